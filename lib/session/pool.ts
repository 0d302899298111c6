import type { Transport } from '../transport/transport';
import { Connection, type Turn } from './connection';
import type { Deadlines } from './deadlines';
import type { RequestGuard } from './timeouts';

export interface PoolOptions {
  /** Connections open (or opening) to one origin at most. */
  connections: number;
  /** Requests in flight on one connection at most: above 1, pipelinable requests may share a busy connection. */
  pipelining: number;
  /** How long an idle connection is kept, in ms (a server's `Keep-Alive: timeout=` can shorten it). */
  idleTimeout: number;
  /** Where idle connections' expiry is kept (the session's). */
  deadlines: Deadlines;
}

/** A connection handed out by the pool, the request's place in line on it, and how long it took to open (undefined when reused). */
export interface Lease {
  connection: Connection;
  turn: Turn;
  connectTime: number | undefined;
}

/** What a waiting request is handed: a connection that came free, a place on a busy pipelining one, or a slot to open a new one in. */
type Handed = Connection | Lease | 'slot';
interface Waiter {
  hand: (handed: Handed) => void;
  pipelinable: boolean;
}

/** The connections to one origin. */
interface OriginConnections {
  /** Parked connections, the most recently used last. */
  idle: Connection[];
  /** Connections in use whose requests are all pipelinable: more may join them, up to `pipelining`. */
  pipelining: Set<Connection>;
  /** Slots taken: connections open or being opened, idle ones included. */
  count: number;
  waiting: Waiter[];
}

/**
 * The connections of a session, per origin (`scheme://host:port`): at most `connections` open to each; requests
 * beyond it wait, first come first served. A connection that ends its exchange in good order is handed to the
 * first waiting request, else parked; parked ones are reused most recently used first (the warmest) and closed
 * after the idle timeout. A connection that failed, was cut or was abandoned is closed, and its slot goes to
 * the first waiting request.
 *
 * With `pipelining` above 1, a pipelinable request (see `isPipelinable`) that finds no idle connection and no free
 * slot joins the busy pipelining connection with the fewest requests in flight, below `pipelining`; a waiting
 * pipelinable request is handed a place on one as soon as there is room.
 */
export class ConnectionPool {
  private readonly origins = new Map<string, OriginConnections>();
  /** Connections holding a slot, until closed. */
  private readonly live = new Set<Connection>();
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  /**
   * A connection to `origin`: a parked one, a new one from `open` while under the limit, or the first to come
   * free. With `settle`, a parked connection is taken only once the I/O already received was handled (see
   * `Connection.claim`): for requests that cannot be retried. `pipelinable` requests may share a busy connection.
   */
  async acquire(origin: string, open: () => Promise<Transport>, guard: RequestGuard, settle: boolean, pipelinable: boolean): Promise<Lease> {
    const pool = this.originOf(origin);
    let handed: Handed | undefined;
    if (pool.waiting.length === 0) {
      handed = pool.idle.pop();
      if (handed) this.stopExpiry(handed);
      else if (pool.count < this.options.connections) {
        pool.count++;
        handed = 'slot';
      } else if (pipelinable) handed = this.joinBusy(pool);
    }
    handed ??= await this.wait(pool, guard, pipelinable);
    // Parked connections the peer closed meanwhile give their slot to this request.
    while (handed !== 'slot') {
      if (!(handed instanceof Connection)) return handed;
      // Claimed at once unless it must settle first: no await for most requests.
      if (settle ? await handed.claim() : handed.take()) return this.lease(pool, handed, pipelinable, undefined);
      this.stopExpiry(handed);
      this.live.delete(handed);
      handed = pool.idle.pop() ?? 'slot';
      if (handed !== 'slot') {
        this.stopExpiry(handed);
        pool.count--; // the closed one's slot is let go: this one brings its own
      }
    }
    return this.openIn(pool, origin, open, pipelinable);
  }

  /**
   * The most recently parked connection to `origin`, taken at once (no promise, no await) when one is parked
   * and open, nobody waits before this request and it need not settle first; otherwise undefined, and
   * `acquire` does the rest.
   */
  takeIdle(origin: string, settle: boolean, pipelinable: boolean): Lease | undefined {
    const pool = this.origins.get(origin);
    if (settle || !pool || pool.waiting.length > 0) return undefined;
    const idle = pool.idle[pool.idle.length - 1];
    if (!idle?.take()) return undefined;
    pool.idle.pop();
    this.stopExpiry(idle);
    return this.lease(pool, idle, pipelinable, undefined);
  }

  /**
   * The exchange of `turn` on `connection` has ended, with `remaining` bytes read past its response (the start
   * of the next pipelined one). Reusable, the connection goes on with the requests still in flight on it, else
   * to the first waiting request, else is parked (for `keepAliveMs` at most, when the server said so);
   * otherwise it is closed, and the requests in flight on it lose it.
   */
  release(connection: Connection, turn: Turn, reusable: boolean, remaining: Uint8Array, keepAliveMs?: number): void {
    if (!reusable || this.closed || connection.closed || !this.live.has(connection)) {
      void this.discard(connection);
      return;
    }
    const pool = this.originOf(connection.origin);
    connection.done(turn, remaining);
    if (connection.inFlight > 0) {
      this.fill(pool, connection);
      return;
    }
    pool.pipelining.delete(connection);
    connection.park();
    const next = pool.waiting.shift();
    if (next) {
      next.hand(connection);
      return;
    }
    pool.idle.push(connection);
    const ms = Math.max(0, Math.min(this.options.idleTimeout, keepAliveMs ?? Infinity));
    if (ms < Infinity) {
      // One deadline per connection, made once: a parked connection costs no timer of its own.
      const expiry = (connection.expiry ??= { at: 0, fire: () => void this.discard(connection), slot: undefined });
      expiry.at = this.options.deadlines.clock.now() + ms;
      this.options.deadlines.add(expiry);
    }
  }

  /** Closes `connection` and frees its slot for a waiting request. Safe to call more than once. */
  discard(connection: Connection): Promise<void> {
    this.forget(connection);
    return connection.close();
  }

  /** Closes every parked connection, and each one released from now on. */
  async close(): Promise<void> {
    this.closed = true;
    const idle: Connection[] = [];
    for (const pool of this.origins.values()) idle.push(...pool.idle);
    await Promise.all(idle.map((connection) => this.discard(connection)));
  }

  /** A request's place on a connection now its own or shared: a pipelining one takes the waiting requests that fit. */
  private lease(pool: OriginConnections, connection: Connection, pipelinable: boolean, connectTime: number | undefined): Lease {
    const lease = { connection, turn: connection.join(pipelinable), connectTime };
    if (connection.pipelinable && this.options.pipelining > 1) {
      pool.pipelining.add(connection);
      this.fill(pool, connection);
    }
    return lease;
  }

  /** A place on the busy pipelining connection with the fewest requests in flight, if one has room. */
  private joinBusy(pool: OriginConnections): Lease | undefined {
    let best: Connection | undefined;
    for (const connection of pool.pipelining) {
      if (connection.inFlight < this.options.pipelining && (!best || connection.inFlight < best.inFlight)) best = connection;
    }
    return best && { connection: best, turn: best.join(true), connectTime: undefined };
  }

  /** Hands places on a pipelining connection with room to the first waiting requests, while they are pipelinable. */
  private fill(pool: OriginConnections, connection: Connection): void {
    if (!pool.pipelining.has(connection)) return;
    while (connection.inFlight < this.options.pipelining && pool.waiting[0]?.pipelinable) {
      pool.waiting.shift()!.hand({ connection, turn: connection.join(true), connectTime: undefined });
    }
  }

  /** Opens a connection in a slot already taken; a failure frees the slot. */
  private async openIn(pool: OriginConnections, origin: string, open: () => Promise<Transport>, pipelinable: boolean): Promise<Lease> {
    const started = this.options.deadlines.clock.now();
    let transport: Transport;
    try {
      transport = await open();
    } catch (error) {
      this.freeSlot(pool);
      throw error;
    }
    const connection = new Connection(transport, origin);
    this.live.add(connection);
    return this.lease(pool, connection, pipelinable, this.options.deadlines.clock.now() - started);
  }

  /** Takes `connection` out of the pool's books (once), freeing its slot. */
  private forget(connection: Connection): void {
    this.stopExpiry(connection);
    if (!this.live.delete(connection)) return;
    const pool = this.originOf(connection.origin);
    pool.pipelining.delete(connection);
    const at = pool.idle.indexOf(connection);
    if (at >= 0) pool.idle.splice(at, 1);
    this.freeSlot(pool);
  }

  /** A slot comes free: it goes to the first waiting request, or is given up. */
  private freeSlot(pool: OriginConnections): void {
    const next = pool.waiting.shift();
    if (next) next.hand('slot');
    else pool.count--;
  }

  /** Waits in line. A request that gives up after being handed something passes it on. */
  private async wait(pool: OriginConnections, guard: RequestGuard, pipelinable: boolean): Promise<Handed> {
    let waiter!: Waiter;
    const turn = new Promise<Handed>((resolve) => (waiter = { hand: resolve, pipelinable }));
    pool.waiting.push(waiter);
    try {
      return await guard.race(turn);
    } catch (error) {
      const at = pool.waiting.indexOf(waiter);
      if (at >= 0) pool.waiting.splice(at, 1);
      else void turn.then((handed) => this.giveBack(pool, handed));
      throw error;
    }
  }

  /**
   * Passes on what a request gave up after being handed it. A place on a pipelining connection was not written
   * to: once the response before it has ended, it ends too, as a response of no bytes would.
   */
  private giveBack(pool: OriginConnections, handed: Handed): void {
    if (handed === 'slot') this.freeSlot(pool);
    else if (handed instanceof Connection) this.release(handed, handed.join(false), true, new Uint8Array(0));
    else {
      const { connection, turn } = handed;
      turn.wrote();
      void turn.readable.then(() => {
        const carried = connection.takeCarried();
        this.release(connection, turn, carried.length === 0 || connection.inFlight > 1, carried);
      });
    }
  }

  /** Takes a parked connection's expiry off the deadlines (it is used again, or closed). */
  private stopExpiry(connection: Connection): void {
    if (connection.expiry) this.options.deadlines.delete(connection.expiry);
  }

  private originOf(origin: string): OriginConnections {
    let pool = this.origins.get(origin);
    if (!pool) {
      pool = { idle: [], pipelining: new Set(), count: 0, waiting: [] };
      this.origins.set(origin, pool);
    }
    return pool;
  }
}
