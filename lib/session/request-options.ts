import type { DecodingPolicy } from '../decoding/decoded-body';
import { Headers, type HeadersInit } from '../message/headers';
import { absoluteUrl, HttpRequest, type RequestBody } from '../message/request';
import { authorization, takeUrlCredentials, type AuthOptions } from './auth';
import { originOf } from './origin';
import type { RedirectMode } from './redirect';
import type { RetryOption } from './retry-policy';
import type { Timeouts } from './timeouts';
import { USER_AGENT } from './version';

/** A request given to `send()`, `stream()` or `events()` as plain options. */
export interface RequestOptions {
  /** Default 'GET'. */
  method?: string;
  /** A path and query resolved against the session URL (default: the session URL itself), or an absolute URL. */
  path?: string;
  headers?: HeadersInit;
  /** Bytes, a string (sent as UTF-8) or a stream of bytes (sent chunked on HTTP/1.1). */
  body?: RequestBody;
  /** Aborting it fails this request with an AbortError. */
  signal?: AbortSignal;
  /** The total timeout of this request in ms, or timeouts that override the session's. */
  timeout?: number | Timeouts;
  /** In place of the session's `decompress`: false sends no `Accept-Encoding` and hands the body on as received. */
  decompress?: boolean;
  /** In place of the session's `maxDecodedSize`. */
  maxDecodedSize?: number;
  /** In place of the session's `maxDecodedRatio`. */
  maxDecodedRatio?: number;
  /** Credentials for this request only, in place of the session's. */
  auth?: AuthOptions;
  redirect?: RedirectMode;
  maxRedirects?: number;
  /** This request's retry policy, in place of the session's (`false`: none). */
  retry?: RetryOption;
}

/** What `send()`, `stream()` and `events()` take: nothing (GET the session URL), a request, or options. */
export type RequestInput = HttpRequest | RequestOptions | undefined;

/** What the session knows when it builds a request. */
export interface RequestDefaults {
  /** The session URL, without credentials. */
  url: URL;
  /** Sent with every request, unless the request sets the same field. */
  headers: Headers;
  /** The session's credentials: sent only to the session URL's origin. */
  auth: AuthOptions | undefined;
  /** How the session decodes bodies. */
  decoding: DecodingPolicy;
}

/** A request as the session sends it, with the per-request settings that came with it. */
export interface PreparedRequest {
  request: HttpRequest;
  /** The session's decoding policy, with this request's own settings. */
  decoding: DecodingPolicy;
  signal?: AbortSignal;
  timeout?: number | Timeouts;
  redirect?: RedirectMode;
  maxRedirects?: number;
  retry?: RetryOption;
}

/** The session's decoding policy with the request's own settings over it. */
function decodingOf(options: RequestOptions, session: DecodingPolicy): DecodingPolicy {
  if (options.decompress === undefined && options.maxDecodedSize === undefined && options.maxDecodedRatio === undefined) return session;
  return {
    decompress: options.decompress ?? session.decompress,
    decoders: session.decoders,
    maxDecodedSize: options.maxDecodedSize ?? session.maxDecodedSize,
    maxDecodedRatio: options.maxDecodedRatio ?? session.maxDecodedRatio,
  };
}

/**
 * Builds the request to send. Its fields win over the session's `headers`; then `Authorization` is added
 * unless set: the request's `auth`, else credentials in its URL, else the session's (for the session's origin
 * only, so they never leak to another host); then `User-Agent` and `Accept: *\/*` unless set; then, when
 * decoding, `Accept-Encoding` with what the decoders decode, unless set (or the request asks for a `Range`: a range
 * of encoded bytes cannot be decoded alone).
 */
export function prepareRequest(input: RequestInput, defaults: RequestDefaults): PreparedRequest {
  const given = input instanceof HttpRequest ? input : undefined;
  const options: RequestOptions = input instanceof HttpRequest ? {} : (input ?? {});
  // The URL is parsed once: a given request's is copied (its credentials are taken out below), not changed.
  const url = given ? new URL(given.url) : absoluteUrl(options.path ?? defaults.url.href, defaults.url);
  const own = given ? given.headers : new Headers(options.headers);
  const urlAuth = takeUrlCredentials(url);

  const headers = new Headers(defaults.headers);
  if (own.size > 0) {
    for (const [name] of own) headers.delete(name);
    for (const [name, value] of own) headers.append(name, value);
  }
  if (!headers.has('authorization')) {
    const sessionAuth = originOf(url) === originOf(defaults.url) ? defaults.auth : undefined;
    const auth = options.auth ?? urlAuth ?? sessionAuth;
    if (auth) headers.set('Authorization', authorization(auth));
  }
  if (!headers.has('user-agent')) headers.append('User-Agent', USER_AGENT);
  if (!headers.has('accept')) headers.append('Accept', '*/*');
  const decoding = decodingOf(options, defaults.decoding);
  const acceptEncoding = decoding.decompress ? decoding.decoders.acceptEncoding() : '';
  if (acceptEncoding && !headers.has('accept-encoding') && !headers.has('range')) headers.append('Accept-Encoding', acceptEncoding);
  const request = new HttpRequest(given ? given.method : (options.method ?? 'GET'), url, { headers, body: given ? given.body : options.body });

  return { request, signal: options.signal, timeout: options.timeout, redirect: options.redirect, maxRedirects: options.maxRedirects, retry: options.retry, decoding };
}

/** `input` with `edit` applied to its header fields (for the fields `events()` sets). */
export function editHeaders(input: RequestInput, edit: (headers: Headers) => void): HttpRequest | RequestOptions {
  if (input instanceof HttpRequest) {
    const headers = new Headers(input.headers);
    edit(headers);
    return input.with({ headers });
  }
  const headers = new Headers(input?.headers);
  edit(headers);
  return { ...input, headers };
}
