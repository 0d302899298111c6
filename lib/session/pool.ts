import type { Clock } from '../transport/clock';
import type { Transport } from '../transport/transport';
import { Connection } from './connection';
import type { RequestGuard } from './timeouts';

export interface PoolOptions {
  /** Connections open (or opening) to one origin at most. */
  connections: number;
  /** How long an idle connection is kept, in ms (a server's `Keep-Alive: timeout=` can shorten it). */
  idleTimeout: number;
  clock: Clock;
}

/** A connection handed out by the pool, and how long it took to open (undefined when reused). */
export interface Lease {
  connection: Connection;
  connectTime: number | undefined;
}

/** What a waiting request is handed: a connection that came free, or a slot to open a new one in. */
type Handed = Connection | 'slot';
type Waiter = (handed: Handed) => void;

/** The connections to one origin. */
interface OriginConnections {
  /** Parked connections, the most recently used last. */
  idle: Connection[];
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
 */
export class ConnectionPool {
  private readonly origins = new Map<string, OriginConnections>();
  /** Connections holding a slot, until closed. */
  private readonly live = new Set<Connection>();
  private readonly timers = new Map<Connection, unknown>();
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  /**
   * A connection to `origin`: a parked one, a new one from `open` while under the limit, or the first to come
   * free. With `settle`, a parked connection is taken only once the I/O already received was handled (see
   * `Connection.claim`): for requests that cannot be retried.
   */
  async acquire(origin: string, open: () => Promise<Transport>, guard: RequestGuard, settle: boolean): Promise<Lease> {
    const pool = this.originOf(origin);
    let handed: Handed | undefined;
    if (pool.waiting.length === 0) {
      handed = pool.idle.pop();
      if (handed) this.stopTimer(handed);
      else if (pool.count < this.options.connections) {
        pool.count++;
        handed = 'slot';
      }
    }
    handed ??= await this.wait(pool, guard);
    // Parked connections the peer closed meanwhile give their slot to this request.
    while (handed !== 'slot') {
      if (await handed.claim(settle)) return { connection: handed, connectTime: undefined };
      this.stopTimer(handed);
      this.live.delete(handed);
      handed = pool.idle.pop() ?? 'slot';
      if (handed !== 'slot') {
        this.stopTimer(handed);
        pool.count--; // the closed one's slot is let go: this one brings its own
      }
    }
    return this.openIn(pool, origin, open);
  }

  /**
   * The exchange on `connection` has ended. Reusable, it goes to the first waiting request or is parked (for
   * `keepAliveMs` at most, when the server said so); otherwise it is closed.
   */
  release(connection: Connection, reusable: boolean, keepAliveMs?: number): void {
    if (!reusable || this.closed || connection.closed || !this.live.has(connection)) {
      void this.discard(connection);
      return;
    }
    const pool = this.originOf(connection.origin);
    connection.park();
    const next = pool.waiting.shift();
    if (next) {
      next(connection);
      return;
    }
    pool.idle.push(connection);
    const ms = Math.max(0, Math.min(this.options.idleTimeout, keepAliveMs ?? Infinity));
    if (ms < Infinity) this.timers.set(connection, this.options.clock.setTimeout(() => void this.discard(connection), ms));
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

  /** Opens a connection in a slot already taken; a failure frees the slot. */
  private async openIn(pool: OriginConnections, origin: string, open: () => Promise<Transport>): Promise<Lease> {
    const started = this.options.clock.now();
    let transport: Transport;
    try {
      transport = await open();
    } catch (error) {
      this.freeSlot(pool);
      throw error;
    }
    const connection = new Connection(transport, origin);
    this.live.add(connection);
    return { connection, connectTime: this.options.clock.now() - started };
  }

  /** Takes `connection` out of the pool's books (once), freeing its slot. */
  private forget(connection: Connection): void {
    this.stopTimer(connection);
    if (!this.live.delete(connection)) return;
    const pool = this.originOf(connection.origin);
    const at = pool.idle.indexOf(connection);
    if (at >= 0) pool.idle.splice(at, 1);
    this.freeSlot(pool);
  }

  /** A slot comes free: it goes to the first waiting request, or is given up. */
  private freeSlot(pool: OriginConnections): void {
    const next = pool.waiting.shift();
    if (next) next('slot');
    else pool.count--;
  }

  /** Waits in line. A request that gives up after being handed something passes it on. */
  private async wait(pool: OriginConnections, guard: RequestGuard): Promise<Handed> {
    let waiter!: Waiter;
    const turn = new Promise<Handed>((resolve) => (waiter = resolve));
    pool.waiting.push(waiter);
    try {
      return await guard.race(turn);
    } catch (error) {
      const at = pool.waiting.indexOf(waiter);
      if (at >= 0) pool.waiting.splice(at, 1);
      else void turn.then((handed) => (handed === 'slot' ? this.freeSlot(pool) : this.release(handed, true)));
      throw error;
    }
  }

  private stopTimer(connection: Connection): void {
    const timer = this.timers.get(connection);
    if (timer === undefined) return;
    this.options.clock.clearTimeout(timer);
    this.timers.delete(connection);
  }

  private originOf(origin: string): OriginConnections {
    let pool = this.origins.get(origin);
    if (!pool) {
      pool = { idle: [], count: 0, waiting: [] };
      this.origins.set(origin, pool);
    }
    return pool;
  }
}
