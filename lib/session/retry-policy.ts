import { HttpError, IncompleteMessageError, TimeoutError, TransportError, UsageError } from '../message/errors';
import type { HttpRequest } from '../message/request';
import type { HttpResponse } from '../message/response';
import { isReplayableBody } from './replayable-body';
import { CONNECTION_LOSS, IDEMPOTENT } from './retry';

/** What `retry` takes: a number of retries (with the defaults below), options, or `false` (no retries). */
export type RetryOption = number | RetryOptions | false;

/** When and how often a session sends a request again; see "Retries" in docs/session.md. */
export interface RetryOptions {
  /** Retries at most, after the first attempt (default 2). */
  limit?: number;
  /** Methods that are retried (default the idempotent ones: GET, HEAD, OPTIONS, TRACE, PUT, DELETE). */
  methods?: readonly string[];
  /** Response statuses that are retried (default 408, 429, 500, 502, 503, 504). */
  statuses?: readonly number[];
  /** The wait before retry n is `initial × factor^(n−1)`, at most `max`, with jitter (default 200 ms, 2, 10 s). */
  backoff?: {
    /** The wait before the first retry, in ms (default 200). */
    initial?: number;
    /** What each later wait is multiplied by (default 2). */
    factor?: number;
    /** The longest wait, in ms (default 10000). */
    max?: number;
  };
  /** The longest `Retry-After` waited for (default 60 s); a response asking for more is returned as it is. */
  maxRetryAfter?: number;
}

/** One attempt of a request, as `response.attempts` lists them. */
export interface Attempt {
  /** The status it got, when it got a response. */
  status?: number;
  /** The code of the error it failed with, when it failed. */
  error?: string;
  /** How long the session waited after it before the next attempt, in ms (0 for the last one). */
  wait: number;
}

const DEFAULT_STATUSES = [408, 429, 500, 502, 503, 504];

/** Transport error codes of a request that may go better a moment later: a lost connection, or one refused or timed out. */
const TRANSIENT: ReadonlySet<string> = new Set([...CONNECTION_LOSS, 'ERR_CONNECTION_REFUSED', 'ERR_CONNECTION_TIMED_OUT', 'ERR_REQUEST_MAYBE_PROCESSED']);
/**
 * When to send a request again, and after how long: responses with a retryable status, and failures that may
 * be transient (a refused or reset connection, a connection closed before the head, a connect timeout), for
 * the methods allowed (the idempotent ones by default) and bodies that can be sent twice (not streams). The
 * wait backs off exponentially with jitter, or follows `Retry-After` up to a cap.
 */
export class RetryPolicy {
  readonly limit: number;
  private readonly methods: ReadonlySet<string>;
  private readonly statuses: ReadonlySet<number>;
  private readonly initial: number;
  private readonly factor: number;
  private readonly max: number;
  private readonly maxRetryAfter: number;

  constructor(options: RetryOptions = {}) {
    this.limit = options.limit ?? 2;
    if (!Number.isInteger(this.limit) || this.limit < 0) {
      throw new UsageError(`retry.limit must be a whole number, got ${String(options.limit)}`, 'ERR_INVALID_OPTION');
    }
    this.methods = new Set((options.methods ?? [...IDEMPOTENT]).map((method) => method.toUpperCase()));
    this.statuses = new Set(options.statuses ?? DEFAULT_STATUSES);
    this.initial = options.backoff?.initial ?? 200;
    this.factor = options.backoff?.factor ?? 2;
    this.max = options.backoff?.max ?? 10_000;
    this.maxRetryAfter = options.maxRetryAfter ?? 60_000;
  }

  /** The policy for a `retry` option; undefined for none (`false`, `0` or not given). */
  static of(option: RetryOption | undefined): RetryPolicy | undefined {
    if (option === undefined || option === false || option === 0) return undefined;
    return new RetryPolicy(typeof option === 'number' ? { limit: option } : option);
  }

  /** The wait before sending `request` again after attempt `attempt` (1-based) got `response`; undefined: do not. */
  afterResponse(request: HttpRequest, response: HttpResponse, attempt: number): number | undefined {
    if (!this.statuses.has(response.status) || !this.allows(request, attempt)) return undefined;
    const asked = retryAfter(response.headers.get('retry-after'));
    if (asked === undefined) return this.backoff(attempt);
    return asked <= this.maxRetryAfter ? asked : undefined;
  }

  /** The wait before sending `request` again after attempt `attempt` failed with `error`; undefined: do not. */
  afterError(request: HttpRequest, error: unknown, attempt: number): number | undefined {
    if (!isTransient(error) || !this.allows(request, attempt)) return undefined;
    return this.backoff(attempt);
  }

  private allows(request: HttpRequest, attempt: number): boolean {
    return attempt <= this.limit && isReplayableBody(request.body) && this.methods.has(request.method);
  }

  /** `initial × factor^(attempt−1)`, capped, then between half and all of it (equal jitter), in whole ms. */
  private backoff(attempt: number): number {
    const full = Math.min(this.max, this.initial * this.factor ** (attempt - 1));
    return Math.round(full / 2 + (Math.random() * full) / 2);
  }
}

/** A failure that sending again may cure. Timeouts other than the connect's, and protocol errors, are not. */
function isTransient(error: unknown): boolean {
  if (error instanceof TransportError) return TRANSIENT.has(error.code);
  if (error instanceof IncompleteMessageError) return error.part === 'head';
  if (error instanceof TimeoutError) return error.phase === 'connect';
  return false;
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) in ms: delay-seconds, or an HTTP-date compared with the wall clock (a date
 * is wall-clock time, which a session clock need not be). Undefined when absent or unreadable.
 */
export function retryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** An attempt record for an error. */
export function failedAttempt(error: unknown, wait: number): Attempt {
  return { error: error instanceof HttpError ? error.code : 'ERR_UNKNOWN', wait };
}
