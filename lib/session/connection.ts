import { HttpError, TransportError } from '../message/errors';
import { afterPendingIo } from './io-turn';
import type { Transport } from '../transport/transport';
import type { Deadline } from './deadlines';

/**
 * One request's place in line on a connection (see `Connection.join`): its writes go after the previous
 * request's, and its response is read after the previous one has ended.
 */
export interface Turn {
  /** Whether the connection had carried an exchange before this one (a retry after its loss is then safe). */
  readonly reused: boolean;
  /** Resolves once the previous request on the connection was written (or failed to be, or the connection was closed). */
  readonly writable: Promise<void>;
  /** Resolves once the previous response on the connection has ended (or the connection was closed). */
  readonly readable: Promise<void>;
  /** True when `readable` has resolved already: the exchange may read at once, without waiting for it. */
  readonly readableNow: boolean;
  /** True when `writable` has resolved already. */
  readonly writableNow: boolean;
  /** This request is written (or will not be): the next may write. */
  wrote(): void;
  /** This response has ended: the next may read. */
  read(): void;
}

const PASSED: Promise<void> = Promise.resolve();

/** A point in a connection's order (a request written, a response ended): its promise is made only if a later turn waits for it. */
class Gate {
  open = false;
  private promise: Promise<void> | undefined;
  private resolve: (() => void) | undefined;

  get passed(): Promise<void> {
    if (this.open) return PASSED;
    return (this.promise ??= new Promise<void>((resolve) => (this.resolve = resolve)));
  }

  pass(): void {
    this.open = true;
    this.resolve?.();
  }
}

/** A turn as `Connection.join` makes it: most requests have the connection to themselves, and wait for no promise. */
class PlaceInLine implements Turn {
  readonly written = new Gate();
  readonly ended = new Gate();
  /** The gates of the request before (undefined: nothing to wait for); not the request itself, so that no chain of turns is kept. */
  private readonly writtenBefore: Gate | undefined;
  private readonly endedBefore: Gate | undefined;

  constructor(
    readonly reused: boolean,
    before: PlaceInLine | undefined,
  ) {
    this.writtenBefore = before?.written;
    this.endedBefore = before?.ended;
  }

  get writable(): Promise<void> {
    return this.writtenBefore ? this.writtenBefore.passed : PASSED;
  }

  get readable(): Promise<void> {
    return this.endedBefore ? this.endedBefore.passed : PASSED;
  }

  get writableNow(): boolean {
    return !this.writtenBefore || this.writtenBefore.open;
  }

  get readableNow(): boolean {
    return !this.endedBefore || this.endedBefore.open;
  }

  wrote(): void {
    this.written.pass();
  }

  read(): void {
    this.ended.pass();
  }
}

/**
 * A transport as the session keeps it between requests: the origin it was opened for, how many exchanges it has
 * carried, and the requests in flight on it.
 *
 * Between two exchanges the connection is parked: a read is left waiting on it, so that whatever the peer does
 * while it should be silent is seen at once. With no request in flight nothing the peer sends then can be an
 * answer: bytes (a smuggled or late response), an end or an error all make the connection unusable, and it is
 * closed before a request is ever written to it. A read still waiting when the next exchange starts is that
 * exchange's first read.
 *
 * Pipelined requests (`join`) take turns: each writes after the one before it, and reads after the response
 * before it has ended, starting with the bytes that response's exchange read past its end (see `done`).
 */
export class Connection {
  /** Exchanges started on it; more than zero means the next one reuses it. */
  exchanges = 0;
  /** Requests joined and not yet done (their response has not ended). */
  inFlight = 0;
  /** Whether the requests in flight are all pipelinable, so that more may join them. */
  pipelinable = false;
  /**
   * Closed by the session for one request's sake (its abort or timeout): the other requests in flight on it
   * lost it through no fault of the server's.
   */
  abandoned = false;
  /** When the pool closes it while it is parked (on the session's deadlines while it is). */
  expiry: Deadline | undefined;
  /** The last request joined: the next waits for its write, and its response's end. */
  private last: PlaceInLine | undefined;
  /** Bytes of the next response, read by the exchange before it: the next `read()` returns them. */
  private carried: Uint8Array | undefined;
  /** The turns joined and not done: closing ends them, so that the requests after them find the connection closed. */
  private readonly unfinished = new Set<PlaceInLine>();
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

  /**
   * A place in line for one more request. `pipelinable` says whether it may share the connection; the first
   * request in flight decides whether later ones may join.
   */
  join(pipelinable: boolean): Turn {
    const reused = this.exchanges > 0;
    this.exchanges++;
    if (this.inFlight === 0) this.pipelinable = pipelinable;
    this.inFlight++;
    // With nothing in flight, the requests before have all written and ended: nothing to wait for.
    const turn = new PlaceInLine(reused, this.inFlight === 1 ? undefined : this.last);
    this.unfinished.add(turn);
    this.last = turn;
    return turn;
  }

  /** The response of `turn` has ended; `remaining` (bytes read past it) starts the next response. */
  done(turn: Turn, remaining: Uint8Array): void {
    this.inFlight--;
    this.unfinished.delete(turn as PlaceInLine);
    this.carried = remaining.length > 0 ? remaining : undefined;
    turn.wrote();
    turn.read();
  }

  /** The bytes read past the last response that ended, taken. */
  takeCarried(): Uint8Array {
    const carried = this.carried ?? new Uint8Array(0);
    this.carried = undefined;
    return carried;
  }

  /** The next bytes from the peer, or `null` once it has closed. */
  read(): Promise<Uint8Array | null> {
    const carried = this.carried;
    if (carried) {
      this.carried = undefined;
      return Promise.resolve(carried);
    }
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
    this.transport.idle?.(true);
    const waiting = this.readTransport();
    this.waiting = waiting;
    const spoil = (): void => {
      if (this.parked) void this.close();
    };
    waiting.then(spoil, spoil);
  }

  /**
   * Takes the parked connection for an exchange (false when it is closed, by the peer or the session) once
   * the runtime has handled the I/O already received: a server that ends the connection right after its
   * answer has its end seen here, not after the next request was written (which a request that cannot be
   * retried must not risk).
   */
  async claim(): Promise<boolean> {
    if (!this.closed && this.waiting) await afterPendingIo();
    return this.take();
  }

  /** Takes the parked connection for an exchange at once: false when it is closed. */
  take(): boolean {
    if (this.parked) this.transport.idle?.(false);
    this.parked = false;
    return !this.closed;
  }

  /** Closes the transport; safe to call more than once, never rejects. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = this.transport.close().catch(() => {});
      for (const turn of this.unfinished) {
        turn.wrote();
        turn.read();
      }
      this.unfinished.clear();
    }
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
