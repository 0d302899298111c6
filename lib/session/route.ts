import { Headers } from '../message/headers';
import { HttpRequest } from '../message/request';
import { originOf } from './origin';
import type { Proxy } from './proxy';

/**
 * How a request URL is reached: directly, forwarded by a proxy (plain http:, the request in absolute-form), or
 * through a proxy's CONNECT tunnel (https:, TLS end to end over it). `key` is the pool's: a direct connection
 * and a tunnel to the same origin are different connections, while connections to a forwarding proxy carry the
 * requests of every http: origin.
 */
export type Route =
  | { kind: 'direct'; key: string }
  | { kind: 'forward'; key: string; proxy: Proxy }
  | { kind: 'tunnel'; key: string; proxy: Proxy };

export function routeOf(url: URL, proxy: Proxy | undefined): Route {
  if (!proxy) return { kind: 'direct', key: originOf(url) };
  const via = `proxy ${originOf(proxy.url)}`;
  if (url.protocol === 'https:') return { kind: 'tunnel', key: `${originOf(url)} via ${via}`, proxy };
  return { kind: 'forward', key: via, proxy };
}

/**
 * The request as sent on its route: to a forwarding proxy with `Proxy-Authorization` (unless it sets its own);
 * through a tunnel without any (the field is the proxy's, and the origin at the other end must never see it).
 */
export function routedRequest(request: HttpRequest, route: Route): HttpRequest {
  if (route.kind === 'direct') return request;
  const has = request.headers.has('proxy-authorization');
  if (route.kind === 'tunnel' ? !has : has || route.proxy.authorization === undefined) return request;
  const headers = new Headers(request.headers);
  if (route.kind === 'tunnel') headers.delete('proxy-authorization');
  else headers.set('Proxy-Authorization', route.proxy.authorization!);
  return request.with({ headers });
}

/** The request-target a forwarding proxy needs: the absolute URL without its fragment (RFC 9112 §3.2.2). */
export function absoluteForm(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname || '/'}${url.search}`;
}
