/**
 * The pieces of a WHATWG `ReadableStream` as an async iterator, read through its reader: not every runtime makes
 * a ReadableStream async-iterable. `return()` (sending stopped early) cancels the stream, so its source can
 * clean up. A stream that is already locked (being read) is refused by `getReader()` with a TypeError.
 */
export function streamPieces<T>(stream: ReadableStream<T>): AsyncIterator<T> {
  const reader = stream.getReader();
  return {
    async next(): Promise<IteratorResult<T>> {
      const { done, value } = await reader.read();
      if (done) {
        reader.releaseLock();
        return { done: true, value: undefined };
      }
      return { done: false, value };
    },
    async return(): Promise<IteratorResult<T>> {
      await reader.cancel();
      return { done: true, value: undefined };
    },
  };
}
