import { HttpError, TransportError } from '../message/errors';
import type { Transport } from './transport';

/**
 * A transport as the session keeps it between requests: the origin it was opened for, the bytes that arrived
 * after the last response (the start of the next one), and how many exchanges it has carried.
 */
export class Connection {
  /** Exchanges started on it; more than zero means the next one reuses it. */
  exchanges = 0;
  private carried: Uint8Array | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    readonly transport: Transport,
    /** The origin (`scheme://host:port`) the transport was opened for. */
    readonly origin: string,
  ) {}

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** The next bytes from the peer (carried bytes first), or `null` once it has closed. */
  read(): Promise<Uint8Array | null> {
    if (this.carried) {
      const bytes = this.carried;
      this.carried = undefined;
      return Promise.resolve(bytes);
    }
    return this.transport.read().catch((error: unknown) => {
      throw asTransportError(error, `Reading from ${this.origin} failed`);
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.transport.write(bytes).catch((error: unknown) => {
      throw asTransportError(error, `Writing to ${this.origin} failed`);
    });
  }

  /** Keeps the connection for the next request, which starts with `remaining`. */
  carry(remaining: Uint8Array): void {
    this.carried = remaining.length > 0 ? remaining : undefined;
  }

  /** Closes the transport; safe to call more than once, never rejects. */
  close(): Promise<void> {
    this.closing ??= this.transport.close().catch(() => {});
    return this.closing;
  }
}

/** io-http errors pass as they are; anything else a transport throws becomes a TransportError with it as cause. */
export function asTransportError(error: unknown, what: string): HttpError {
  if (error instanceof HttpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TransportError(`${what}: ${message}`, { cause: error });
}
