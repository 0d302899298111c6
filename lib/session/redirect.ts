import { RedirectError } from '../message/errors';
import { Headers } from '../message/headers';
import type { HttpRequest } from '../message/request';
import type { HttpResponse } from '../message/response';
import type { Redirect } from '../protocol/http1-protocol';
import { originOf } from './origin';
import { isReplayableBody } from './replayable-body';

/** `follow` redirects (the default), return them as responses (`manual`), or fail with a RedirectError (`error`). */
export type RedirectMode = 'follow' | 'manual' | 'error';

export interface RedirectPolicy {
  mode: RedirectMode;
  /** Redirects followed at most; one more is ERR_TOO_MANY_REDIRECTS. */
  maxRedirects: number;
  /** Follow https → http. */
  allowInsecure: boolean;
  /** Whether a transport is there for the URL's scheme: a redirect anywhere else is refused. */
  opens: (url: URL) => boolean;
}

/** Fields that carry credentials: never sent to another origin than the one they were meant for. */
const CREDENTIAL_FIELDS = ['authorization', 'cookie', 'proxy-authorization'];
/** Fields that describe a request body: dropped with it. */
const BODY_FIELDS = ['content-length', 'content-type', 'content-encoding', 'content-language', 'content-location', 'expect'];

/**
 * The request that follows `redirect`, or a RedirectError when the policy refuses it. `followed` is the number
 * of redirects already followed.
 *
 * - 303 becomes GET without a body (HEAD stays HEAD); 301 and 302 after POST become GET too, as browsers do.
 *   Other cases (307, 308, 301/302 of other methods) repeat the method and body; a one-time stream cannot be
 *   repeated: RedirectError 'ERR_REDIRECT_BODY_NOT_REPLAYABLE'.
 * - To another origin, `Authorization`, `Cookie`, `Proxy-Authorization` and a `Host` set by hand are dropped.
 * - https → http is refused ('ERR_REDIRECT_INSECURE') unless allowed (the session checks the transport too).
 * - A scheme no transport opens (`file:`, `data:`, `javascript:`, a transport's name) is refused:
 *   'ERR_REDIRECT_SCHEME'. It is the peer's doing, so a RedirectError, not a UsageError.
 */
export function followRedirect(
  request: HttpRequest,
  response: HttpResponse,
  redirect: Redirect,
  followed: number,
  policy: RedirectPolicy,
): HttpRequest {
  const { status } = response;
  const target = redirect.url;
  if (policy.mode === 'error') {
    throw new RedirectError(`The server redirected (${status}) to ${target.href}, and redirects are set to 'error'`, 'ERR_REDIRECT');
  }
  if (followed >= policy.maxRedirects) {
    throw new RedirectError(`More than ${policy.maxRedirects} redirects (the last to ${target.href})`, 'ERR_TOO_MANY_REDIRECTS');
  }
  if (!policy.opens(target)) {
    throw new RedirectError(
      `Refusing to follow a redirect (${status}) to ${target.href}: no transport opens '${target.protocol}' URLs`,
      'ERR_REDIRECT_SCHEME',
    );
  }
  if (request.url.protocol === 'https:' && target.protocol === 'http:' && !policy.allowInsecure) {
    throw new RedirectError(
      `Refusing to follow a redirect from https to ${target.href}: set allowInsecureRedirect to allow it`,
      'ERR_REDIRECT_INSECURE',
    );
  }

  const headers = new Headers(request.headers);
  let method = request.method;
  let body = request.body;
  if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
    method = 'GET';
    body = undefined;
    for (const name of BODY_FIELDS) headers.delete(name);
  } else if (!isReplayableBody(body)) {
    throw new RedirectError(
      `Cannot follow the ${status} redirect to ${target.href}: it repeats the request body, and a streamed body cannot be sent twice`,
      'ERR_REDIRECT_BODY_NOT_REPLAYABLE',
    );
  }
  if (originOf(target) !== originOf(request.url)) {
    for (const name of CREDENTIAL_FIELDS) headers.delete(name);
    headers.delete('host');
  }
  return request.with({ method, url: target, headers, body: body ?? null });
}
