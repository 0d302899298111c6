import { UsageError } from '../message/errors';
import type { Http10Options } from '../protocol/http10-protocol';
import type { TlsOptions } from '../transport/transport';
import type { AuthOptions } from './auth';
import { closestName } from './closest-name';
import type { EventStreamOptions } from './event-stream';
import type { RequestOptions } from './request-options';
import type { RetryOptions } from './retry-policy';
import type { SessionOptions } from './session-options';
import type { Timeouts } from './timeouts';

/**
 * Every name of an options type, as an object literal typed so: the compiler fails when the type gains a name
 * that is not listed here, or loses one that is. So the lists cannot drift from the types.
 */
type Names<T> = { readonly [K in keyof Required<T>]: true };

/** An options object's names, and the shapes of the option objects nested in it that the library defines. */
interface Shape {
  names: Readonly<Record<string, true>>;
  nested?: Readonly<Record<string, Shape>>;
}

const TIMEOUTS: Shape = { names: { connect: true, tls: true, headers: true, bodyIdle: true, total: true } satisfies Names<Timeouts> };

const RETRY: Shape = {
  names: { limit: true, methods: true, statuses: true, backoff: true, maxRetryAfter: true } satisfies Names<RetryOptions>,
  nested: { backoff: { names: { initial: true, factor: true, max: true } satisfies Names<NonNullable<RetryOptions['backoff']>> } },
};

const AUTH: Shape = {
  names: { basic: true, bearer: true } satisfies Names<Record<KeysOfUnion<AuthOptions>, unknown>>,
  nested: { basic: { names: { user: true, pass: true } satisfies Names<Extract<AuthOptions, { basic: unknown }>['basic']> } },
};
/** The names of every member of a union ('basic' and 'bearer' for AuthOptions). */
type KeysOfUnion<T> = T extends unknown ? keyof T : never;

const PROTOCOL: Shape = {
  names: {
    maxHeadSize: true,
    maxHeaders: true,
    maxChunkLineSize: true,
    maxBodySize: true,
    maxInterimResponses: true,
    allowBareLf: true,
    allowObsFold: true,
    allowTransferEncodingWithContentLength: true,
    stream: true,
    requestTarget: true,
    keepAlive: true,
  } satisfies Names<Http10Options>,
};

const TLS: Shape = {
  names: { ca: true, cert: true, key: true, servername: true, rejectUnauthorized: true, minVersion: true } satisfies Names<TlsOptions>,
};

const SESSION: Shape = {
  names: {
    version: true,
    transport: true,
    registry: true,
    tls: true,
    proxy: true,
    connections: true,
    pipelining: true,
    idleTimeout: true,
    timeout: true,
    timeouts: true,
    redirect: true,
    maxRedirects: true,
    retry: true,
    allowInsecureRedirect: true,
    auth: true,
    headers: true,
    expectContinueTimeout: true,
    clock: true,
    signal: true,
    protocol: true,
    protocolFactory: true,
    decompress: true,
    decoders: true,
    maxDecodedSize: true,
    maxDecodedRatio: true,
  } satisfies Names<SessionOptions>,
  nested: { timeouts: TIMEOUTS, retry: RETRY, auth: AUTH, protocol: PROTOCOL, tls: TLS },
};

const REQUEST: Shape = {
  names: {
    method: true,
    path: true,
    url: true,
    query: true,
    headers: true,
    body: true,
    json: true,
    signal: true,
    timeout: true,
    decompress: true,
    maxDecodedSize: true,
    maxDecodedRatio: true,
    auth: true,
    redirect: true,
    maxRedirects: true,
    retry: true,
  } satisfies Names<RequestOptions>,
  nested: { timeout: TIMEOUTS, retry: RETRY, auth: AUTH },
};

const EVENT_STREAM: Shape = {
  names: {
    lastEventId: true,
    retry: true,
    minRetry: true,
    maxRetry: true,
    maxReconnects: true,
    maxLineLength: true,
    maxEventSize: true,
  } satisfies Names<EventStreamOptions>,
};

/** Refuses a name `new Session()` does not know, in its options or in the option objects nested in them. */
export function checkSessionOptions(options: SessionOptions): void {
  checkNames(options, SESSION, '', 'new Session()');
}

/** Refuses a name a request's options (`send()`, `stream()`, `events()`) do not know, nested ones too. */
export function checkRequestOptions(options: RequestOptions): void {
  checkNames(options, REQUEST, '', 'a request');
}

/** Refuses a name the options of `events()` do not know. */
export function checkEventStreamOptions(options: EventStreamOptions): void {
  checkNames(options, EVENT_STREAM, '', 'events()');
}

/**
 * UsageError 'ERR_UNKNOWN_OPTION' for the first own name of `options` that `shape` does not list, naming the
 * closest one it does (a misspelt option would otherwise be ignored without a word). Values are checked where
 * they are used; only objects are looked into.
 */
function checkNames(options: unknown, shape: Shape, path: string, where: string): void {
  if (typeof options !== 'object' || options === null) return;
  for (const name of Object.keys(options)) {
    if (!Object.hasOwn(shape.names, name)) throw unknownOption(path, name, Object.keys(shape.names), where);
    const nested = shape.nested?.[name];
    if (nested) checkNames((options as Record<string, unknown>)[name], nested, `${path}${name}.`, where);
  }
}

function unknownOption(path: string, name: string, names: string[], where: string): UsageError {
  const closest = closestName(name, names);
  const hint = closest === undefined ? `the options there are ${names.map((known) => `'${known}'`).join(', ')}` : `did you mean '${path}${closest}'?`;
  return new UsageError(`Unknown option '${path}${name}' for ${where}: ${hint}`, 'ERR_UNKNOWN_OPTION');
}
