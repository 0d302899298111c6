/**
 * Reads the HTTP/1.x requests a client sent: off a raw server socket (see `rawServer` in servers.ts), or off the
 * server end of an in-memory pair (see `memoryServer` in memory-server.ts).
 */
import type * as net from 'node:net';
import type { Transport } from '../../lib/transport/transport';
import { tick } from './time';

export interface ReceivedRequest {
  method: string;
  target: string;
  version: string;
  /** Lower-case names; repeated fields joined with ', '. */
  headers: Record<string, string>;
  head: string;
  body: Buffer;
}

/** Reads HTTP/1.x requests off a raw socket or a transport, one after another. */
export class RequestReader {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(socket?: net.Socket) {
    socket?.on('data', (chunk: Buffer) => this.feed(chunk));
    socket?.on('close', () => this.finish());
  }

  /** Reads what arrives on `transport` until it ends (or fails). */
  static over(transport: Transport): RequestReader {
    const reader = new RequestReader();
    void (async () => {
      try {
        for (let chunk = await transport.read(); chunk; chunk = await transport.read()) reader.feed(Buffer.from(chunk));
      } catch {
        // A transport that failed has ended, for the reader.
      }
      reader.finish();
    })();
    return reader;
  }

  /** Bytes received and not taken yet. */
  get pending(): number {
    return this.buffer.length;
  }

  /** The next request head, or null if the connection ends first. */
  async head(): Promise<Omit<ReceivedRequest, 'body'> | null> {
    const end = await this.until(() => this.buffer.indexOf('\r\n\r\n'));
    if (end < 0) return null;
    const head = this.take(end + 4).toString('latin1');
    const [requestLine, ...lines] = head.slice(0, -4).split('\r\n');
    const [method, target, version] = requestLine.split(' ');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    return { method, target, version, headers, head };
  }

  /** The next whole request (its body by Content-Length or chunked), or null at the end. */
  async request(): Promise<ReceivedRequest | null> {
    const head = await this.head();
    if (!head) return null;
    let body: Buffer = Buffer.alloc(0);
    if (head.headers['transfer-encoding'] === 'chunked') body = await this.chunked();
    else if (head.headers['content-length']) body = await this.bytes(Number(head.headers['content-length']));
    return { ...head, body };
  }

  /** Exactly `n` bytes (fewer if the connection ends). */
  async bytes(n: number): Promise<Buffer> {
    await this.until(() => (this.buffer.length >= n ? n : -1));
    return this.take(Math.min(n, this.buffer.length));
  }

  /** A chunked body, decoded. */
  async chunked(): Promise<Buffer> {
    const pieces: Buffer[] = [];
    for (;;) {
      const lineEnd = await this.until(() => this.buffer.indexOf('\r\n'));
      if (lineEnd < 0) break;
      const size = parseInt(this.take(lineEnd + 2).toString('latin1'), 16);
      if (size === 0) {
        await this.bytes(2);
        break;
      }
      pieces.push(await this.bytes(size));
      await this.bytes(2);
    }
    return Buffer.concat(pieces);
  }

  /** Resolves true if the connection ends (or is idle for `ms`) with nothing more received. */
  async nothingWithin(ms: number): Promise<boolean> {
    await tick(ms);
    return this.buffer.length === 0;
  }

  private take(n: number): Buffer {
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  /** Waits until `find` returns a non-negative index, or the connection ends (then -1). */
  private async until(find: () => number): Promise<number> {
    for (;;) {
      const at = find();
      if (at >= 0) return at;
      if (this.ended) return -1;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private feed(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    this.notify();
  }

  private finish(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
