/**
 * io-http's side of the differential test: Http11Protocol (defaults unless told), the input run whole, byte by byte
 * and split at every position (each way must give the same outcome), put in the shape of a Verdict. Inputs
 * over 2 KiB are split at a sample of positions instead: every position is O(n²).
 */
import { HttpRequest } from '../../lib/message/request';
import type { Http1Options } from '../../lib/protocol/http1-protocol';
import { Http11Protocol } from '../../lib/protocol/http11-protocol';
import { asJson, driveAllSplits, driveSomeSplits } from '../support/drive';
import { normalizeHttp1 } from '../support/http1';
import type { Verdict } from './verdict';

export function ioHttpVerdict(input: Uint8Array, method = 'GET', options: Http1Options = {}): Verdict {
  const request = new HttpRequest(method, 'http://example.com/');
  const make = () => new Http11Protocol(request, options);
  const normalize = asJson(normalizeHttp1);
  const driven = input.length > 2048 ? driveSomeSplits(make, input, [], normalize, { spread: 64 }) : driveAllSplits(make, input, { normalize });
  const outcome = normalizeHttp1(driven);
  if (outcome.error) return { accepted: false, error: String(outcome.error.code) };
  const r = outcome.result;
  if (!r) return { accepted: false, error: 'incomplete' };
  return {
    accepted: true,
    version: r.version,
    status: r.status,
    interim: r.interim.map((i) => i.status),
    headers: r.headers,
    body: r.body,
    trailers: r.trailers,
    keepAlive: r.keepAlive,
  };
}
