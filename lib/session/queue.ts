/**
 * Serialises the requests of a session: one connection carries one exchange at a time, so each request waits
 * for the one before it (including the reading of a streamed body) to let go.
 */
export class RequestQueue {
  private tail: Promise<void> = Promise.resolve();

  /**
   * Waits for the turn of a new entry; resolves with the function that ends the turn. If `wait` rejects (the
   * request was aborted while queued), the turn is still taken and handed on when it comes, so the queue
   * never stalls.
   */
  async enter(wait: (turn: Promise<void>) => Promise<void>): Promise<() => void> {
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const turn = this.tail;
    this.tail = turn.then(() => done);
    try {
      await wait(turn);
    } catch (error) {
      void turn.then(release);
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  }
}
