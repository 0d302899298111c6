/** Ends a request's turn: the next request may start. Calling it again does nothing. */
export type Release = () => void;

/**
 * Serialises the requests of a session: one connection carries one exchange at a time, so each request waits
 * for the one before it (including the reading of a streamed body) to let go.
 */
export class RequestQueue {
  /** A request holds the turn (or it has been handed to the next one, which has not resumed yet). */
  private held = false;
  /** The turns waited for, in order: each resolves the turn of one waiting request. */
  private readonly waiting: Array<() => void> = [];

  /** The turn at once if nobody holds it or waits for it (the usual case: no promise, no wait); else undefined. */
  take(): Release | undefined {
    if (this.held) return undefined;
    this.held = true;
    return this.releaser();
  }

  /**
   * Waits for the turn of a new entry; resolves with the function that ends the turn. If `wait` rejects (the
   * request was aborted while queued), the turn is still taken and handed on when it comes, so the queue
   * never stalls.
   */
  async enter(wait: (turn: Promise<void>) => Promise<void>): Promise<Release> {
    const free = this.take();
    if (free) return free;
    const turn = new Promise<void>((resolve) => this.waiting.push(resolve));
    const release = this.releaser();
    try {
      await wait(turn);
    } catch (error) {
      void turn.then(release);
      throw error;
    }
    return release;
  }

  /** Hands the turn to the first one waiting, or frees it. */
  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.held = false;
    };
  }
}
