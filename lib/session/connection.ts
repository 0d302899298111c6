import { HttpError, TransportError } from '../message/errors';
import { afterPendingIo } from './io-turn';
import type { Transport } from '../transport/transport';

/**
 * A transport as the session keeps it between requests: the origin it was opened for, and how many exchanges
 * it has carried.
 *
 * Between two exchanges the connection is parked: a read is left waiting on it, so that whatever the peer does
 * while it should be silent is seen at once. The session never pipelines, so nothing the peer sends then can
 * be an answer: bytes (a smuggled or late response), an end or an error all make the connection unusable,
 * and it is closed before a request is ever written to it. A read still waiting when the next exchange starts
 * is that exchange's first read.
 */
export class Connection {
  /** Exchanges started on it; more than zero means the next one reuses it. */
  exchanges = 0;
  /** The read left waiting while parked; the next `read()` takes it. */
  private waiting: Promise<Uint8Array | null> | undefined;
  private parked = false;
  private closing: Promise<void> | undefined;

  constructor(
    readonly transport: Transport,
    /** The origin (`scheme://host:port`) the transport was opened for. */
    readonly origin: string,
  ) {}

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** The next bytes from the peer, or `null` once it has closed. */
  read(): Promise<Uint8Array | null> {
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      return waiting;
    }
    return this.readTransport();
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.transport.write(bytes).catch((error: unknown) => {
      throw asTransportError(error, `Writing to ${this.origin} failed`);
    });
  }

  /** Keeps the connection for a next request; anything the peer does until then closes it. Idempotent. */
  park(): void {
    if (this.parked) return;
    this.parked = true;
    const waiting = this.readTransport();
    this.waiting = waiting;
    const spoil = (): void => {
      if (this.parked) void this.close();
    };
    waiting.then(spoil, spoil);
  }

  /**
   * Takes the parked connection for an exchange: false when it is closed (by the peer or the session). With
   * `settle`, it first lets the runtime handle the I/O already received: a server that ends the connection
   * right after its answer has its end seen here, not after the next request was written (which a request
   * that cannot be retried must not risk).
   */
  async claim(settle: boolean): Promise<boolean> {
    if (settle && !this.closed && this.waiting) await afterPendingIo();
    this.parked = false;
    return !this.closed;
  }

  /** Closes the transport; safe to call more than once, never rejects. */
  close(): Promise<void> {
    this.closing ??= this.transport.close().catch(() => {});
    return this.closing;
  }

  private readTransport(): Promise<Uint8Array | null> {
    return this.transport.read().catch((error: unknown) => {
      throw asTransportError(error, `Reading from ${this.origin} failed`);
    });
  }
}

/** io-http errors pass as they are; anything else a transport throws becomes a TransportError with it as cause. */
export function asTransportError(error: unknown, what: string): HttpError {
  if (error instanceof HttpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TransportError(`${what}: ${message}`, { cause: error });
}
