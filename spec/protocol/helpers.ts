/**
 * Shared helpers of the protocol specs: they run vectors through `driveAllSplits` (whole, byte by byte, split
 * at every position) and turn the outcome into plain data a test can compare.
 */
import { IncompleteMessageError } from '../../lib/message/errors';
import { HttpRequest, type HttpRequestInit } from '../../lib/message/request';
import type { HttpResponse } from '../../lib/message/response';
import { HeadParser, type StatusLine } from '../../lib/protocol/head-parser';
import type { Http1Options, Http1Protocol, Http1Result } from '../../lib/protocol/http1-protocol';
import { Http10Protocol, type Http10Options } from '../../lib/protocol/http10-protocol';
import { Http11Protocol } from '../../lib/protocol/http11-protocol';
import { defaultLimits, strict, type HttpLimits, type Leniency } from '../../lib/protocol/limits';
import { EOF, Protocol, type Input, type ReadYield, type Step } from '../../lib/protocol/protocol';
import { drive, driveAllSplits, type Outcome } from '../support/drive';

/** A byte string of `bytes` (one char per octet). */
export function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]);
  return out;
}

export type Pairs = Array<[string, string]>;

export interface ErrorSummary {
  name: string;
  code: unknown;
  offset: unknown;
}

/** A response as plain data. */
export interface ResponseSummary {
  version: string;
  status: number;
  reason: string;
  headers: Pairs;
  body: string;
  trailers: Pairs;
  interim: Array<{ status: number; reason: string; headers: Pairs }>;
}

/** An Http1Result as plain data; `rest` is `remaining` followed by the input the protocol never read. */
export interface ResultSummary extends ResponseSummary {
  keepAlive: boolean;
  rest: string;
  redirect?: { url: string; sameOrigin: boolean };
}

export interface Normal {
  yields: unknown[];
  data: string;
  result?: ResultSummary;
  error?: ErrorSummary;
}

export function summarizeResponse(response: HttpResponse): ResponseSummary {
  return {
    version: response.version,
    status: response.status,
    reason: response.reason,
    headers: [...response.headers],
    body: latin1(response.body),
    trailers: [...response.trailers],
    interim: response.interim.map((r) => ({ status: r.status, reason: r.reason, headers: [...r.headers] })),
  };
}

/** The normalize function for Http1 protocols: outcome → plain data, independent of how input was split. */
export function normalizeHttp1(outcome: Outcome): Normal {
  const out: Normal = {
    yields: outcome.yields.map((y) => {
      const v = y as { type: string; response?: HttpResponse; chunked?: boolean };
      if (v.type === 'head') return { type: 'head', status: v.response!.status };
      if (v.type === 'send-body') return { type: 'send-body', chunked: v.chunked };
      return { type: v.type };
    }),
    data: outcome.data,
  };
  if (outcome.error) out.error = outcome.error;
  if (outcome.result) {
    const r = outcome.result as Http1Result;
    const summary: ResultSummary = {
      ...summarizeResponse(r.response),
      keepAlive: r.keepAlive,
      rest: latin1(r.remaining) + (outcome.unread ?? ''),
    };
    if (r.redirect) summary.redirect = { url: r.redirect.url.href, sameOrigin: r.redirect.sameOrigin };
    out.result = summary;
  }
  return out;
}

/** A normalize function whose outcomes compare as one string: much faster than a deep compare per split. */
export function asJson<T>(normalize: (outcome: Outcome) => T): (outcome: Outcome) => string {
  return (outcome) => JSON.stringify(normalize(outcome), null, 1);
}

/**
 * Like driveAllSplits for inputs too large to split at every position (O(n²)): whole, byte by byte, and split
 * at `points` (and `spread` - 1 evenly spaced others), each required to give the same outcome as the whole input.
 */
export function driveSomeSplits<Y extends { type: string }, R>(
  make: () => Protocol<Y, R>,
  input: Uint8Array,
  points: number[],
  normalize: (outcome: Outcome) => unknown,
  options: { byteByByte?: boolean; spread?: number } = {},
): Outcome {
  const whole = drive(make(), [input]);
  const expected = JSON.stringify(normalize(whole));
  const cuts = new Set(points.filter((p) => p > 0 && p < input.length));
  const spread = options.spread ?? 32;
  for (let i = 1; i < spread; i++) cuts.add(Math.floor((input.length * i) / spread));
  const ways = [...cuts].map((cut) => ({ name: `split at ${cut}`, pieces: [input.subarray(0, cut), input.subarray(cut)] }));
  if (options.byteByByte ?? true) ways.push({ name: 'byte by byte', pieces: Array.from(input, (_, i) => input.subarray(i, i + 1)) });
  for (const { name, pieces } of ways) {
    const got = JSON.stringify(normalize(drive(make(), pieces)));
    if (got !== expected) throw new Error(`outcome differs when the input is fed ${name}:\n${got}\nexpected\n${expected}`);
  }
  return whole;
}

export const GET = (url = 'http://example.com/', init?: HttpRequestInit): HttpRequest => HttpRequest.get(url, init);

/** A factory of Http11Protocol for driveAllSplits. */
export function h11(request: HttpRequest = GET(), options: Http1Options = {}): () => Http1Protocol {
  return () => new Http11Protocol(request, options);
}

/** A factory of Http10Protocol for driveAllSplits. */
export function h10(request: HttpRequest = GET(), options: Http10Options = {}): () => Http1Protocol {
  return () => new Http10Protocol(request, options);
}

/** Runs `input` through every split and returns the normalised outcome. */
export function run(make: () => Http1Protocol, input: string | Uint8Array, options: { eof?: boolean } = {}): Normal {
  return normalizeHttp1(driveAllSplits(make, input, { eof: options.eof, normalize: asJson(normalizeHttp1) }));
}

/** Runs `input` through every split; it must complete. */
export function ok(make: () => Http1Protocol, input: string | Uint8Array, options: { eof?: boolean } = {}): ResultSummary {
  const n = run(make, input, options);
  if (n.error) throw new Error(`expected a response, got ${JSON.stringify(n.error)}`);
  if (!n.result) throw new Error(`expected a response, the protocol stopped at ${JSON.stringify(n.yields)}`);
  return n.result;
}

/** Runs `input` through every split; it must fail. Returns the error as `{ name, code, offset }`. */
export function fails(make: () => Http1Protocol, input: string | Uint8Array, options: { eof?: boolean } = {}): ErrorSummary {
  const n = run(make, input, options);
  if (!n.error) throw new Error(`expected an error, got ${JSON.stringify(n.result ?? n.yields)}`);
  return n.error;
}

/** What the HeadParser adapter completes with. */
export interface HeadBlockResult {
  statusLine: StatusLine | undefined;
  headers: Pairs;
  rest: Uint8Array;
}

/**
 * HeadParser as a Protocol, so its vectors go through driveAllSplits: it reads until the block ends and
 * completes with the parsed lines and the bytes after them. EOF before the end is an IncompleteMessageError.
 */
export class HeadBlock extends Protocol<ReadYield, HeadBlockResult> {
  private readonly parser: HeadParser;
  private fed: number;

  constructor(
    withStatusLine: boolean,
    options: Partial<HttpLimits> & Partial<Leniency> & { offset?: number } = {},
  ) {
    super();
    const limits = { ...defaultLimits, ...options };
    const leniency = { ...strict, ...options };
    this.fed = options.offset ?? 0;
    this.parser = new HeadParser(this.fed, withStatusLine, limits, leniency);
  }

  protected advance(input: Input): Step<ReadYield, HeadBlockResult> {
    if (input === EOF) throw new IncompleteMessageError('head', this.fed);
    if (input instanceof Uint8Array) {
      const end = this.parser.feed(input, 0);
      if (end >= 0) {
        return { done: true, value: { statusLine: this.parser.statusLine, headers: [...this.parser.headers], rest: input.subarray(end) } };
      }
      this.fed += input.length;
    }
    return { done: false, value: { type: 'read' } };
  }
}

export function normalizeHead(outcome: Outcome): unknown {
  if (outcome.error) return { error: outcome.error };
  const r = outcome.result as HeadBlockResult | undefined;
  if (!r) return { stopped: outcome.yields };
  return { statusLine: r.statusLine, headers: r.headers, rest: latin1(r.rest) + (outcome.unread ?? '') };
}
