import { IncompleteMessageError, TransportError } from '../message/errors';
import type { HttpRequest } from '../message/request';
import { isReplayableBody } from './replayable-body';

/** Methods that may be sent twice with the effect of once (RFC 9110 §9.2.2). */
export const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * Whether a request may be sent again after its kept-alive connection died unanswered: an idempotent method
 * and a body that can be sent twice (bytes, a Blob or FormData; not a one-time stream).
 */
export function isReplayable(request: HttpRequest): boolean {
  return IDEMPOTENT.has(request.method) && isReplayableBody(request.body);
}

/**
 * A failure that says the connection was gone: the peer closed it (the stream ended before any head), reset
 * it, or the transport failed. Servers close idle kept-alive connections whenever they like, so a request sent
 * on one can meet this without any fault of its own. Other transport errors (a replayed exchange that differs
 * from its recording, say) are not: sending again cannot help, and would hide them.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (error instanceof TransportError) return CONNECTION_LOSS.has(error.code);
  return error instanceof IncompleteMessageError && error.part === 'head';
}

/** TransportError codes of a connection that went away (see docs/transports.md). */
export const CONNECTION_LOSS: ReadonlySet<string> = new Set(['ERR_CONNECTION_RESET', 'ERR_TRANSPORT_CLOSED', 'ERR_TRANSPORT']);

/** The error for a request that cannot be retried after a connection loss. */
export function maybeProcessed(request: HttpRequest, cause: unknown): TransportError {
  return new TransportError(
    `The connection closed before any response to ${request.method} ${request.url.href}; the request may or may not have been processed, so it was not retried`,
    { code: 'ERR_REQUEST_MAYBE_PROCESSED', cause },
  );
}
