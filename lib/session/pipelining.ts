import type { HttpRequest } from '../message/request';
import { IDEMPOTENT } from './retry';
import type { Route } from './route';

/**
 * Whether a request may share a connection with others in flight (HTTP/1.1 pipelining): an idempotent method
 * without a body or `Expect`, so that if the connection is lost before its response it can be sent again on
 * another; on a direct or forwarded route (a tunnel's connection carries TLS set up for one request first).
 */
export function isPipelinable(request: HttpRequest, route: Route): boolean {
  return IDEMPOTENT.has(request.method) && request.body === undefined && !request.headers.has('expect') && route.kind !== 'tunnel';
}
