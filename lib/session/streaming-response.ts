import { challengesOf, type Challenge } from '../auth/challenge';
import { UsageError } from '../message/errors';
import type { Headers } from '../message/headers';
import { parseJson, type HttpResponse } from '../message/response';
import type { ResponseBody } from './response-body';
import type { Attempt } from './retry-policy';
import type { RedirectHop, ResponseFacts, ResponseTimings } from './session-response';

const utf8Decoder = new TextDecoder();

/**
 * A response whose head is in and whose body is read as it arrives. The body is pulled from the connection
 * only as fast as it is consumed (backpressure reaches the server). It can be read once, by iterating `body`
 * or with `bytes()`, `text()` or `json()`.
 *
 * Until the body has ended or `cancel()` was called, the session's next request waits: read it to the end,
 * or cancel it (`await using` does). Leaving a `for await` loop early cancels it, closing the connection.
 */
export class StreamingResponse implements AsyncDisposable, ResponseFacts {
  /** The HTTP version as received, such as `'1.1'`. */
  readonly version: string;
  /** The status code, 100–599. */
  readonly status: number;
  /** The reason phrase as received (a byte string); may be empty. */
  readonly reason: string;
  /** The response's header fields, in wire order. */
  readonly headers: Headers;
  /** The 1xx responses received before this one, in order. */
  readonly interim: HttpResponse[];
  /** As `SessionResponse.decodedEncodings`: the content codings undone from `body` (the headers are as received). */
  readonly decodedEncodings: readonly string[];
  readonly url: string;
  readonly redirects: RedirectHop[];
  readonly timings: ResponseTimings;
  readonly attempts: Attempt[];
  /** The body, piece by piece. */
  readonly body: AsyncIterable<Uint8Array>;
  private used = false;

  /** @internal Made by `Session.stream()`. */
  constructor(
    private readonly head: HttpResponse,
    facts: ResponseFacts,
    private readonly source: ResponseBody,
  ) {
    this.version = head.version;
    this.status = head.status;
    this.reason = head.reason;
    this.headers = head.headers;
    this.interim = head.interim;
    this.decodedEncodings = source.decodedEncodings;
    this.url = facts.url;
    this.redirects = facts.redirects;
    this.timings = facts.timings;
    this.attempts = facts.attempts;
    this.body = { [Symbol.asyncIterator]: () => this.iterate() };
  }

  /** True for 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** Trailer fields of a chunked body: filled once the body has been read to its end. */
  get trailers(): Headers {
    return this.head.trailers;
  }

  /** As `SessionResponse.challenges`. */
  get challenges(): Challenge[] {
    return challengesOf(this.headers, this.status === 407);
  }

  /** The whole body. */
  async bytes(): Promise<Uint8Array> {
    this.take();
    return this.source.collect();
  }

  /** The whole body decoded as UTF-8 (invalid sequences replaced). */
  async text(): Promise<string> {
    return utf8Decoder.decode(await this.bytes());
  }

  /** The whole body parsed as JSON; HttpError 'ERR_INVALID_JSON' if it is not JSON. */
  async json<T = unknown>(): Promise<T> {
    return parseJson<T>(await this.text());
  }

  /** Stops reading the body: closes the connection unless the body had ended, and lets the next request go. */
  cancel(): Promise<void> {
    return this.source.cancel();
  }

  /** What `await using` calls at the end of its block: {@link StreamingResponse.cancel}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.cancel();
  }

  /** Marks the body as read: it can be read once. */
  private take(): void {
    if (this.used) throw new UsageError('The body of a streaming response can be read only once', 'ERR_BODY_USED');
    this.used = true;
  }

  private async *iterate(): AsyncGenerator<Uint8Array> {
    this.take();
    let ended = false;
    try {
      for (;;) {
        const piece = await this.source.next();
        if (piece === null) {
          ended = true;
          return;
        }
        yield piece;
      }
    } finally {
      if (!ended) await this.source.cancel();
    }
  }
}
