/** The command line's options as the library's: `SessionOptions` for each origin, `RequestOptions` for each URL. */
import { Headers, type RequestOptions, type SessionOptions } from '../lib/index';
import type { CliOptions } from './args';
import type { BodyPart } from './body';
import { usageError } from './exit-codes';
import { tracingProtocolFactory } from './trace';

/** A URL as typed: `example.com/x` (no scheme) is `http://example.com/x`, as curl reads it. */
export function parseUrl(text: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw usageError(`'${text}' is not a URL.`, 'Give a URL such as https://example.com/path.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`io-http speaks http: and https:, not ${url.protocol}`);
  return url;
}

/** What every session of the run shares. */
export interface SessionContext {
  /** The CA certificates of `--cacert`, read once. */
  ca?: string;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /** Where `-v` writes. */
  trace: (text: string) => void;
}

/** Options of the session for `origin` (an `http:` or `https:` origin). */
export function sessionOptionsOf(options: CliOptions, origin: URL, context: SessionContext): SessionOptions {
  const version = options.http10 ? '1.0' : '1.1';
  const session: SessionOptions = { version, signal: context.signal, decompress: options.compressed };
  if (origin.protocol === 'https:') session.transport = options.tls === 'forge' ? 'forge-tls' : 'node-tls';
  if (context.ca !== undefined) session.tls = { ca: context.ca };
  if (options.proxy !== undefined) session.proxy = options.proxy;
  if (options.verbose) session.protocolFactory = tracingProtocolFactory(version, context.trace);
  return session;
}

/** The request for `url`: method, fields, body, credentials, and the per-request policies. */
export function requestOptionsOf(options: CliOptions, url: URL, body: BodyPart): RequestOptions {
  const headers = new Headers();
  for (const [name, value] of body.defaultHeaders) if (!options.headers.some(([own]) => own.toLowerCase() === name.toLowerCase())) headers.append(name, value);
  for (const [name, value] of options.headers) headers.append(name, value);
  const request: RequestOptions = {
    method: options.method ?? body.defaultMethod,
    path: url.href,
    headers,
    redirect: options.location ? 'follow' : 'manual',
  };
  if (body.body !== undefined) request.body = body.body;
  if (body.json !== undefined) request.json = body.json;
  if (options.user) request.auth = { basic: options.user };
  if (options.bearer !== undefined) request.auth = { bearer: options.bearer };
  if (options.maxRedirs !== undefined) request.maxRedirects = options.maxRedirs;
  if (options.timeout !== undefined) request.timeout = options.timeout;
  if (options.retry !== undefined && !options.sse) request.retry = options.retry;
  return request;
}
