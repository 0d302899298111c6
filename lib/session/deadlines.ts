import type { Clock } from '../transport/clock';

/** A moment on the clock (`at`, in ms) and what happens then, unless it is taken off its `Deadlines` first. */
export interface Deadline {
  at: number;
  fire(): void;
  /** Its place in its `Deadlines` while on them (kept there): taking it off is then one swap, allocating nothing. */
  slot?: number;
}

/**
 * The deadlines of a session (its requests' timeouts, its idle connections' expiry) on one clock timer, armed
 * for the earliest. Most deadlines are taken off long before they are due (a 300 s head timeout, a 4 s idle
 * expiry) and most are added later than the one armed: then adding and taking one off cost a Set insertion
 * and deletion, where a timer each would cost a `setTimeout` and a `clearTimeout` (and an object for the
 * collector) per request. The timer is not cleared when its deadline is taken off: it fires, finds nothing
 * due, and is armed again for the earliest deadline left, if any. So deadlines fire when due (not on a coarse
 * tick), and a timer left armed after the last request does not keep the process alive (it is unref'd where
 * the clock can: the connections of the requests it times keep it alive themselves).
 */
export class Deadlines {
  /** An array, not a Set: a Set reallocated its table as requests came and went. */
  private readonly pending: Deadline[] = [];
  private handle: unknown;
  /** When the armed timer fires; Infinity when none is armed. */
  private armedAt = Infinity;

  constructor(readonly clock: Clock) {}

  add(deadline: Deadline): void {
    if (deadline.slot === undefined) {
      deadline.slot = this.pending.length;
      this.pending.push(deadline);
    }
    if (deadline.at < this.armedAt) this.arm(deadline.at);
  }

  delete(deadline: Deadline): void {
    const at = deadline.slot;
    if (at === undefined || this.pending[at] !== deadline) return;
    deadline.slot = undefined;
    const last = this.pending.pop()!;
    if (last !== deadline) {
      this.pending[at] = last;
      last.slot = at;
    }
  }

  private arm(at: number): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.armedAt = at;
    this.handle = this.clock.setTimeout(() => this.expire(), Math.max(0, at - this.clock.now()));
    this.clock.unref?.(this.handle);
  }

  /** Fires the deadlines due, earliest first, after arming the timer for the next. */
  private expire(): void {
    this.handle = undefined;
    this.armedAt = Infinity;
    const now = this.clock.now();
    const due: Deadline[] = [];
    let next = Infinity;
    for (const deadline of this.pending) {
      if (deadline.at <= now) due.push(deadline);
      else if (deadline.at < next) next = deadline.at;
    }
    for (const deadline of due) this.delete(deadline);
    if (next < Infinity) this.arm(next);
    due.sort((a, b) => a.at - b.at);
    for (const deadline of due) deadline.fire();
  }
}
