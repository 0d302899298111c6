import { challengesOf, type Challenge } from '../auth/challenge';
import { HttpResponse } from '../message/response';
import type { Attempt } from './retry-policy';

/** One redirect the session followed. */
export interface RedirectHop {
  /** The redirect's status code: 301, 302, 303, 307 or 308. */
  status: number;
  /** The URL that answered with the redirect (not where it pointed). */
  url: string;
}

/**
 * Where the time of a request went, in milliseconds measured with the session's clock from the call to
 * `send()` / `stream()` (waiting behind earlier requests of the session included).
 */
export interface ResponseTimings {
  /** Opening the transport of the last hop: the TCP connect, plus the TLS handshake for TLS transports. Absent when a kept-alive connection was reused. */
  connect?: number;
  /** Until the first byte of the final response arrived. */
  firstByte: number;
  /** Until the whole response was in (for a streaming response: until its head, then until its body ended once it has). */
  total: number;
}

/** What the session knows of a response beyond the message itself. */
export interface ResponseFacts {
  /** The URL the response came from (after redirects, the last one). */
  readonly url: string;
  /** Each redirect followed to get here. */
  readonly redirects: RedirectHop[];
  /** Where the time went. */
  readonly timings: ResponseTimings;
  /** Every attempt of the request, the last one included (one, unless the retry policy sent it again). */
  readonly attempts: Attempt[];
}

/** A complete response as `Session.send()` returns it: the message with its body, and the session's facts. */
export class SessionResponse extends HttpResponse implements ResponseFacts {
  /**
   * The content codings the session undid, as `Content-Encoding` lists them; `[]` when `body` is as received.
   * The headers are as received: when this is not empty, `Content-Encoding` and `Content-Length` describe the
   * bytes on the wire, not `body`.
   */
  readonly decodedEncodings: readonly string[];
  readonly url: string;
  readonly redirects: RedirectHop[];
  readonly timings: ResponseTimings;
  readonly attempts: Attempt[];

  constructor(head: HttpResponse, body: Uint8Array, facts: ResponseFacts, decodedEncodings: readonly string[] = []) {
    super({ version: head.version, status: head.status, reason: head.reason, headers: head.headers, body, trailers: head.trailers, interim: head.interim });
    this.decodedEncodings = decodedEncodings;
    this.url = facts.url;
    this.redirects = facts.redirects;
    this.timings = facts.timings;
    this.attempts = facts.attempts;
  }

  /**
   * The authentication challenges of a 401 (`WWW-Authenticate`) or 407 (`Proxy-Authenticate`), parsed on each
   * access; `[]` when there are none. A malformed field throws ParseError 'ERR_INVALID_HEADER'.
   */
  get challenges(): Challenge[] {
    return challengesOf(this.headers, this.status === 407);
  }
}
