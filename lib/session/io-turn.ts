type Schedule = (callback: () => void) => unknown;

/** `setImmediate` where the runtime has one (Node, Bun, Deno): it runs after the I/O the event loop is handling. */
const immediate: Schedule = (globalThis as { setImmediate?: Schedule }).setImmediate ?? ((callback) => setTimeout(callback, 0));

/**
 * Resolves once the runtime has gone through its I/O at least once more: two event-loop turns, since a peer's
 * end that arrived with the last bytes is only reported on the turn after them. A few microseconds, taken only
 * where a request cannot be retried.
 */
export function afterPendingIo(): Promise<void> {
  return new Promise((resolve) => immediate(() => immediate(resolve)));
}
