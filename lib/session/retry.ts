import { IncompleteMessageError, TransportError } from '../message/errors';
import type { HttpRequest } from '../message/request';

/** Methods that may be sent twice with the effect of once (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * Whether a request may be sent again after its kept-alive connection died unanswered: an idempotent method
 * and a body that can be sent twice (bytes, not a stream).
 */
export function isReplayable(request: HttpRequest): boolean {
  return IDEMPOTENT.has(request.method) && (request.body === undefined || request.body instanceof Uint8Array);
}

/**
 * A failure that says the connection was gone: the peer closed it (the stream ended before any head) or the
 * transport failed. Servers close idle kept-alive connections whenever they like, so a request sent on one
 * can meet this without any fault of its own.
 */
export function isConnectionLoss(error: unknown): boolean {
  return error instanceof TransportError || (error instanceof IncompleteMessageError && error.part === 'head');
}

/** The error for a request that cannot be retried after a connection loss. */
export function maybeProcessed(request: HttpRequest, cause: unknown): TransportError {
  return new TransportError(
    `The connection closed before any response to ${request.method} ${request.url.href}; the request may or may not have been processed, so it was not retried`,
    { code: 'ERR_REQUEST_MAYBE_PROCESSED', cause },
  );
}
