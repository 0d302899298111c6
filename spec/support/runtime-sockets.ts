/**
 * Real node:net sockets in the shapes other runtimes give: a `{ readable, writable }` pair of web streams
 * (`Duplex.toWeb`, as Deno.connect and Cloudflare's connect() give one), and a callback-style socket (Bun's
 * `Bun.connect({ socket: handlers })`), which reads into one reused buffer and, as Bun's `socket.write` does,
 * takes only what fits in its buffer now and calls `drain` when there is room again.
 */
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import type { CallbackSocket, CallbackSocketTransport } from '../../lib/transport/callback-socket-transport';
import type { ByteStreams } from '../../lib/transport/stream-transport';

/** Every socket opened here, for `destroySockets()` in afterEach. */
const sockets: net.Socket[] = [];

export function destroySockets(): void {
  for (const socket of sockets.splice(0)) socket.destroy();
}

function connected(socket: net.Socket): Promise<net.Socket> {
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** A connection to the URL's port on 127.0.0.1, as web streams. */
export async function webStreams(url: URL): Promise<ByteStreams & { socket: net.Socket }> {
  const socket = await connected(net.connect({ host: '127.0.0.1', port: Number(url.port) }));
  const { readable, writable } = Duplex.toWeb(socket) as unknown as ByteStreams;
  return { readable, writable, socket };
}

/** Connects a socket to the URL's port that calls `transport.handlers` back, as `Bun.connect` does. */
export async function callbackSocket(transport: CallbackSocketTransport, url: URL, bufferSize = 16 * 1024): Promise<net.Socket> {
  const { handlers } = transport;
  const buffer = Buffer.alloc(bufferSize);
  let shape: CallbackSocket;
  const socket = net.connect({
    host: '127.0.0.1',
    port: Number(url.port),
    onread: {
      buffer,
      callback: (n: number) => {
        handlers.data(shape, buffer.subarray(0, n));
        return true;
      },
    },
  });
  shape = {
    // Takes what fits under the socket's mark, maybe part of the bytes, maybe none; then, as Bun does, a
    // `drain` follows when there is room again (at once if the socket took it all in without a 'drain' to come).
    write: (bytes) => {
      if (socket.destroyed || socket.writableEnded) return -1;
      const taken = Math.min(bytes.length, Math.max(0, socket.writableHighWaterMark - socket.writableLength));
      const full = taken > 0 ? !socket.write(bytes.slice(0, taken)) : socket.writableNeedDrain;
      if (taken < bytes.length && !full) setImmediate(() => handlers.drain(shape));
      return taken;
    },
    end: () => socket.destroy(),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
  socket.on('drain', () => handlers.drain(shape));
  socket.on('end', () => handlers.end(shape));
  socket.on('error', (error) => handlers.error(shape, error));
  socket.on('close', () => handlers.close(shape));
  await connected(socket);
  handlers.open(shape);
  return socket;
}
