import type { DecodingPolicy } from '../decoding/decoded-body';
import { Headers, type HeadersInit } from '../message/headers';
import { UsageError } from '../message/errors';
import { absoluteUrl, HttpRequest } from '../message/request';
import { authorization, takeUrlCredentials, type AuthOptions } from './auth';
import { checkRequestOptions } from './known-options';
import { originOf } from './origin';
import { mergeQuery, type QueryInit } from './query';
import { ReplayableBody } from './replayable-body';
import { encodeBody, jsonBody, type EncodedBody, type RequestBodyInit } from './request-body';
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
  /** The same as `path` (give one of them), and a `URL` object too: resolved against the session URL. */
  url?: string | URL;
  /** Parameters merged into the URL's query: they replace the URL's parameters of the same names. */
  query?: QueryInit;
  /** Fields of this request; they replace the session's `headers` fields of the same names. */
  headers?: HeadersInit;
  /**
   * A string (UTF-8, `text/plain;charset=UTF-8`), bytes, a `Blob`, `URLSearchParams`, `FormData` (multipart), a
   * `ReadableStream` or an async iterable of `Uint8Array` (chunked on HTTP/1.1). Each sets the Content-Type its
   * kind implies unless `headers` sets one. See "Request bodies" in docs/session.md.
   */
  body?: RequestBodyInit;
  /** A value sent as JSON, with `Content-Type: application/json` unless `headers` sets one; not with `body`. */
  json?: unknown;
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
  /** What to do with redirects for this request, in place of the session's `redirect`. */
  redirect?: RedirectMode;
  /** Redirects followed at most for this request, in place of the session's `maxRedirects` (default 20). */
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
  /** Its `scheme://host[:port]` when a path can be joined to it as text (http: and https:); undefined otherwise. */
  origin: string | undefined;
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
  checkRequestOptions(options);
  const url = given ? new URL(given.url) : requestUrl(options, defaults.url, defaults.origin);
  const own = given ? given.headers : new Headers(options.headers);
  const encoded = given ? undefined : bodyOf(options);
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
  if (encoded) describeBody(encoded, headers, own);
  if (!headers.has('user-agent')) headers.append('User-Agent', USER_AGENT);
  if (!headers.has('accept')) headers.append('Accept', '*/*');
  const decoding = decodingOf(options, defaults.decoding);
  const acceptEncoding = decoding.decompress ? decoding.decoders.acceptEncoding() : '';
  if (acceptEncoding && !headers.has('accept-encoding') && !headers.has('range')) headers.append('Accept-Encoding', acceptEncoding);
  const request = new HttpRequest(given ? given.method : (options.method ?? 'GET'), url, { headers, body: given ? given.body : encoded?.body });

  return { request, signal: options.signal, timeout: options.timeout, redirect: options.redirect, maxRedirects: options.maxRedirects, retry: options.retry, decoding };
}

/**
 * The URL of a request given as options: `url` or `path` resolved against the session URL, with `query` merged
 * in. Always a new URL object (credentials are taken out of it later): a `URL` given is not changed.
 */
function requestUrl(options: RequestOptions, base: URL, origin: string | undefined): URL {
  if (options.url !== undefined && options.path !== undefined) {
    throw new UsageError('Give the request either url or path, not both: they are the same thing', 'ERR_INVALID_OPTION');
  }
  const target = options.url ?? options.path;
  let url: URL;
  if (target === undefined) url = new URL(base.href);
  else if (typeof target === 'string' && origin !== undefined && isPlainPath(target)) url = joinedUrl(origin, target, base);
  else url = new URL(absoluteUrl(target, base));
  if (options.query !== undefined) mergeQuery(url, options.query);
  return url;
}

/**
 * Whether `target` is a path that resolves against a URL with a host exactly as it reads joined to that URL's
 * origin: it starts with one `/` that no `/` or `\\` follows (nor a tab or line break, which the URL parser drops
 * before it looks), so it cannot name another host.
 */
function isPlainPath(target: string): boolean {
  if (target.charCodeAt(0) !== 0x2f) return false;
  const next = target.charCodeAt(1);
  return next !== 0x2f && next !== 0x5c && next !== 0x09 && next !== 0x0a && next !== 0x0d;
}

/**
 * A plain path joined to the session origin: parsing one absolute string costs a quarter of resolving against a
 * base `URL` (which the parser serialises and parses again). Anything the parser refuses takes the general path, for its error.
 */
function joinedUrl(origin: string, path: string, base: URL): URL {
  try {
    return new URL(origin + path);
  } catch {
    return new URL(absoluteUrl(path, base));
  }
}

/** The body of a request given as options, from `body` or `json` (not both); undefined for none. */
function bodyOf(options: RequestOptions): EncodedBody | undefined {
  if (options.json !== undefined) {
    if (options.body !== undefined) throw new UsageError('Give the request either body or json, not both', 'ERR_INVALID_OPTION');
    return jsonBody(options.json);
  }
  return options.body === undefined ? undefined : encodeBody(options.body);
}

/**
 * The fields that describe an encoded body: its Content-Type unless the request set one itself (it replaces
 * one from the session's `headers`: a multipart body under a session-wide JSON type would lose its boundary), and the length of a
 * streamed body whose length is known (a Blob, FormData with files), so that it goes with a Content-Length rather
 * than chunked. A Content-Length set by hand must be that length.
 */
function describeBody(encoded: EncodedBody, headers: Headers, own: Headers): void {
  if (encoded.contentType !== undefined && !own.has('content-type')) headers.set('Content-Type', encoded.contentType);
  if (!(encoded.body instanceof ReplayableBody)) return;
  const length = String(encoded.body.length);
  const given = headers.get('content-length');
  if (given === undefined) headers.set('Content-Length', length);
  else if (given !== length) throw new UsageError(`Content-Length ${given} does not match the body's ${length} bytes`, 'ERR_INVALID_REQUEST');
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
