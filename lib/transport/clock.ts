/**
 * All timers of the session and the adapters go through a Clock, so that tests of timeouts, retry waits and
 * reconnects can run instantly with a ManualClock.
 */
export interface Clock {
  /** Milliseconds since some fixed point. */
  now(): number;
  /** Calls `callback` once, `ms` milliseconds from now; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels the timer of `handle` if it has not fired; any other value is ignored. */
  clearTimeout(handle: unknown): void;
  /** Optional: lets the runtime end while this timer is the only thing left (Node's `unref`). */
  unref?(handle: unknown): void;
}

/** The runtime's own timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  // Node, Bun and Deno's timers have `unref`; a browser's are numbers, and nothing is to be done there.
  unref: (handle) => (handle as { unref?: () => void } | null)?.unref?.(),
};

/** A clock that moves only when told to: `advance(ms)` fires every timer due by then, in order. */
export class ManualClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Number of timers waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** Milliseconds until the next timer is due, or undefined when none is waiting. */
  get nextDue(): number | undefined {
    let at: number | undefined;
    for (const timer of this.timers.values()) if (at === undefined || timer.at < at) at = timer.at;
    return at === undefined ? undefined : at - this.time;
  }

  /** Moves time forward by `ms`, firing due timers in time order (and those they set, if due). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
}
