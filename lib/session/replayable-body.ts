/**
 * A streamed request body that can be sent again: each iteration starts it over (a `Blob`, a `FormData`, read
 * afresh from their source). Redirects that repeat the body and retries may send it again, as they do bytes;
 * a body that is only an `AsyncIterable` or a `ReadableStream` can be read once and cannot.
 */
export class ReplayableBody implements AsyncIterable<Uint8Array> {
  /** `length`: the body's size in bytes, sent as its Content-Length. `open`: a fresh read of it. */
  constructor(
    /** The body's size in bytes, sent as its Content-Length. */
    readonly length: number,
    private readonly open: () => AsyncIterator<Uint8Array>,
  ) {}

  /** Reads the body from its start, afresh each time. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.open();
  }
}

/** Whether a request body can be sent twice: none, bytes, or a `ReplayableBody`; not a one-time stream. */
export function isReplayableBody(body: Uint8Array | AsyncIterable<Uint8Array> | undefined): boolean {
  return body === undefined || body instanceof Uint8Array || body instanceof ReplayableBody;
}
