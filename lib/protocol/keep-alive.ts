import type { HttpRequest } from '../message/request';
import type { HttpResponse } from '../message/response';
import { hasListToken } from '../message/syntax';
import type { Framing } from './framing';
import type { Leniency } from './limits';

/**
 * Whether the connection can carry another request after `response`: never after a body delimited by close or
 * a request or response that says `close`; HTTP/1.0 only with `keep-alive` on both sides, and never after an
 * HTTP/1.0 response with Transfer-Encoding (RFC 9112 §6.1: its framing is suspect; it is decoded like any
 * other, then the connection is closed), nor after the lenient read of Transfer-Encoding with Content-Length.
 */
export function isKeepAlive(request: HttpRequest, version: '1.0' | '1.1', response: HttpResponse, framing: Framing, leniency: Leniency): boolean {
  if (framing.kind === 'close') return false;
  if (response.version === '1.0' && response.headers.has('transfer-encoding')) return false;
  if (leniency.allowTransferEncodingWithContentLength && framing.kind === 'chunked' && response.headers.has('content-length')) {
    return false;
  }
  const requested = request.headers.getAll('connection');
  if (hasListToken(requested, 'close')) return false;
  const answered = response.headers.getAll('connection');
  if (hasListToken(answered, 'close')) return false;
  if (version === '1.0' && !hasListToken(requested, 'keep-alive')) return false;
  return response.version === '1.0' ? hasListToken(answered, 'keep-alive') : true;
}
