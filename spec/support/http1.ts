/**
 * HTTP/1.x protocol vectors for specs: `run`, `ok` and `fails` drive an Http11Protocol or Http10Protocol
 * (`h11()`, `h10()`) through `driveAllSplits` (whole, byte by byte, split at every position) and turn the
 * outcome into plain data a test can compare (`normalizeHttp1`, `summarizeResponse`).
 */
import { HttpRequest, type HttpRequestInit } from '../../lib/message/request';
import type { HttpResponse } from '../../lib/message/response';
import type { Http1Options, Http1Protocol, Http1Result } from '../../lib/protocol/http1-protocol';
import { Http10Protocol, type Http10Options } from '../../lib/protocol/http10-protocol';
import { Http11Protocol } from '../../lib/protocol/http11-protocol';
import { latin1 } from './bytes';
import { asJson, driveAllSplits, type ErrorSummary, type Outcome } from './drive';

/** Header fields as [name, value] pairs, in order. */
export type Pairs = Array<[string, string]>;

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
