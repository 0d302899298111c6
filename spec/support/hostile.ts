/**
 * Helpers for the hostile-server specs (spec/hostile): a raw server that answers every request with a script,
 * writers that dribble or flood a socket, a wait for the server to see every connection closed, a NodeTcp that counts what the client read, a time bound on a failure (of a request or of a
 * streamed body), and a probe of the memory the process holds.
 */
import type * as net from 'node:net';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { StreamingResponse } from '../../lib/session/streaming-response';
import type { TransportFactory } from '../../lib/transport/transport';
import { latin1 } from './bytes';
import { rejection, type Rejection } from './failures';
import { type LoopbackServer, rawServer } from './servers';
import { tcp } from './tcp';
import { tick, until } from './time';

/**
 * A raw TCP server: on each connection it reads the request head, then runs `script` with the socket (the
 * script writes the exact bytes of the reply, or misbehaves).
 */
export function scriptedServer(script: (socket: net.Socket) => unknown): Promise<LoopbackServer> {
  return rawServer(async (socket, reader) => {
    if (await reader.head()) await script(socket);
  });
}

/** The latin1 bytes of `text`, or the bytes as they are. */
function toBuffer(bytes: string | Uint8Array): Buffer {
  return typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
}

/** Writes `bytes` one byte every `everyMs`, stopping early if the socket goes away. */
export async function dribble(socket: net.Socket, bytes: string | Uint8Array, everyMs: number): Promise<void> {
  const all = toBuffer(bytes);
  for (let i = 0; i < all.length && socket.writable; i++) {
    socket.write(all.subarray(i, i + 1));
    await tick(everyMs);
  }
}

/**
 * Writes `prefix`, then `piece` over and over, honouring backpressure (so the server itself holds at most one
 * socket buffer), until the socket goes away.
 */
export async function flood(socket: net.Socket, prefix: string | Uint8Array, piece: string | Uint8Array): Promise<void> {
  // Small pieces go out many at a time: one system call per 12-byte field would make the server the bottleneck.
  const one = toBuffer(piece);
  const repeated = Buffer.concat(Array(Math.ceil(16 * 1024 / one.length)).fill(one));
  const write = async (bytes: Buffer): Promise<void> => {
    if (socket.write(bytes)) {
      // Let the client run between writes, as a remote server would: a loopback socket takes megabytes
      // before it pushes back, and a loop that never yields would fill it before the client reads a byte.
      await new Promise((resolve) => setImmediate(resolve));
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  };
  await write(toBuffer(prefix));
  while (socket.writable) await write(repeated);
}

/** Waits until every socket in `sockets` has closed (the server side of each connection). */
export function allClosed(sockets: net.Socket[], ms = 2000): Promise<void> {
  return until(
    () => sockets.every((socket) => socket.destroyed),
    () => `${sockets.filter((socket) => !socket.destroyed).length} of ${sockets.length} server-side connections still open`,
    ms,
  );
}

/**
 * NodeTcp whose transports count the bytes their `read()` returned (the most a client can hold of what a
 * server sent), and tell `onRead` the running total after each read. A server can also wait for the client to
 * have taken what it sent (a RST that comes with the data it follows is reported by libuv as a clean end).
 */
export function countingTcp(onRead?: (bytesRead: number) => void): { factory: TransportFactory; bytesRead: () => number } {
  let bytesRead = 0;
  const factory: TransportFactory = {
    async open(url, options) {
      const transport = await tcp.open(url, options);
      const read = transport.read.bind(transport);
      transport.read = async () => {
        const bytes = await read();
        bytesRead += bytes?.length ?? 0;
        onRead?.(bytesRead);
        return bytes;
      };
      return transport;
    },
  };
  return { factory, bytesRead: () => bytesRead };
}

/**
 * The error `promise` rejects with, failing the test if it resolves or takes `ms` or more: a bound that tells a
 * hang from a defence, not a speed measurement (8 s by default: a loaded 2-core machine took 3.4 s for what takes
 * 0.2 s when quiet, and a hang takes forever either way).
 */
export async function rejectionWithin(promise: Promise<unknown>, ms = 8000): Promise<Rejection> {
  const started = Date.now();
  const error = await rejection(promise);
  const took = Date.now() - started;
  if (took >= ms) throw new Error(`the failure (${error.name} ${error.code}) took ${took} ms, the bound is ${ms} ms`, { cause: error });
  return error;
}

/** Reads a streamed body until it fails: the error (within `ms`, as `rejectionWithin`) and the latin1 text received before it. */
export async function bodyFailure(response: StreamingResponse, ms = 8000): Promise<{ error: Rejection; received: string }> {
  let received = '';
  const error = await rejectionWithin(
    (async () => {
      for await (const piece of response.body) received += latin1(piece);
    })(),
    ms,
  );
  return { error, received };
}

/**
 * V8's full garbage collection. Jest runs without --expose-gc; the flag can still be set at run time (for the
 * rest of the worker process), and a context made after it has `gc` on its global.
 */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const gc = exposeGc();

/** Bytes the process holds in JS objects and array buffers. */
function liveBytes(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/**
 * The live memory of the process (JS heap and array buffers, after a full collection: garbage does not
 * count), sampled where a test says, and its largest growth over the memory when the probe was made. Samples
 * are taken at points in the data (each megabyte read, say), not on a timer: as many on a loaded machine.
 */
export class MemoryProbe {
  private readonly baseline: number;
  private peak: number;

  constructor() {
    gc();
    this.baseline = this.peak = liveBytes();
  }

  /** The largest growth over the baseline, in bytes, among the samples taken. */
  get growth(): number {
    return this.peak - this.baseline;
  }

  /** Takes a sample now. */
  sample(): void {
    gc();
    this.peak = Math.max(this.peak, liveBytes());
  }

  /** A callback given running byte counts (`countingTcp`'s): it samples each time the count passes another `step`. */
  every(step: number): (count: number) => void {
    let next = step;
    return (count) => {
      if (count < next) return;
      next = (Math.floor(count / step) + 1) * step;
      this.sample();
    };
  }
}

/** Mebibytes, for bounds that read as sizes. */
export const MiB = 1024 * 1024;
