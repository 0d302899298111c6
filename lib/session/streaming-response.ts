import { ByteCollector, expectedLength } from '../message/byte-collector';
import type { Challenge } from '../auth/challenge';
import { UsageError } from '../message/errors';
import type { Headers } from '../message/headers';
import { parseJson, type HttpResponse, type RedirectHop, type ResponseTimings } from '../message/response';

/** Where a streaming response's body comes from: the session's exchange. */
export interface BodySource {
  /** The next piece, or null at the end. */
  next(): Promise<Uint8Array | null>;
  /** Stops reading early: the connection is closed. Does nothing once the body has ended. */
  cancel(): Promise<void>;
}

const utf8Decoder = new TextDecoder();

/**
 * A response whose head is in and whose body is read as it arrives. The body is pulled from the connection
 * only as fast as it is consumed (backpressure reaches the server). It can be read once, by iterating `body`
 * or with `bytes()`, `text()` or `json()`.
 *
 * Until the body has ended or `cancel()` was called, the session's next request waits: read it to the end,
 * or cancel it (`await using` does). Leaving a `for await` loop early cancels it, closing the connection.
 */
export class StreamingResponse implements AsyncDisposable {
  readonly version: string;
  readonly status: number;
  readonly reason: string;
  readonly headers: Headers;
  readonly interim: HttpResponse[];
  readonly url: string;
  readonly redirects: RedirectHop[];
  readonly timings: ResponseTimings;
  /** The body, piece by piece. */
  readonly body: AsyncIterable<Uint8Array>;
  private used = false;

  constructor(
    private readonly head: HttpResponse,
    private readonly source: BodySource,
  ) {
    this.version = head.version;
    this.status = head.status;
    this.reason = head.reason;
    this.headers = head.headers;
    this.interim = head.interim;
    this.url = head.url;
    this.redirects = head.redirects;
    this.timings = head.timings;
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

  /** As `HttpResponse.challenges`. */
  get challenges(): Challenge[] {
    return this.head.challenges;
  }

  /** The whole body. */
  async bytes(): Promise<Uint8Array> {
    const body = new ByteCollector(expectedLength(this.headers));
    for await (const piece of this.body) body.push(piece);
    return body.bytes();
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

  [Symbol.asyncDispose](): Promise<void> {
    return this.cancel();
  }

  private async *iterate(): AsyncGenerator<Uint8Array> {
    if (this.used) throw new UsageError('The body of a streaming response can be read only once', 'ERR_BODY_USED');
    this.used = true;
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
