import { ProxyError, type ProxyChallenge } from '../message/errors';
import { Headers } from '../message/headers';
import { HttpRequest } from '../message/request';
import { challengesOf } from '../auth/challenge';
import type { Http1Options } from '../protocol/http1-protocol';
import { Http11Protocol } from '../protocol/http11-protocol';
import type { Clock } from '../transport/clock';
import type { Transport } from '../transport/transport';
import { Connection } from './connection';
import { Exchange } from './exchange';
import type { Proxy } from './proxy';
import type { RequestGuard } from './timeouts';
import { USER_AGENT } from './version';

/** What opening a tunnel needs of the session. */
export interface TunnelContext {
  guard: RequestGuard;
  clock: Clock;
  /** The session's parser limits and leniencies, for the proxy's answer. */
  protocol: Http1Options | undefined;
}

/**
 * Asks the proxy on `transport` for a tunnel to `url`'s host and port (`CONNECT host:port`, RFC 9110 §9.3.6)
 * and returns the transport carrying it. Only `Host`, `User-Agent` and the proxy's own credentials go on the
 * CONNECT: nothing meant for the origin. A refusal is a ProxyError (`ERR_PROXY_AUTH_REQUIRED` for a 407 or a
 * 401, with its challenges; `ERR_PROXY_CONNECT` otherwise); on any failure the transport is closed.
 */
export async function openTunnel(transport: Transport, url: URL, proxy: Proxy, context: TunnelContext): Promise<Transport> {
  const authority = `${url.hostname}:${url.port || '443'}`;
  const headers = new Headers([
    ['Host', authority],
    ['User-Agent', USER_AGENT],
  ]);
  if (proxy.authorization !== undefined) headers.set('Proxy-Authorization', proxy.authorization);
  const request = new HttpRequest('CONNECT', url, { headers });
  const exchange = new Exchange(new Http11Protocol(request, { ...context.protocol, stream: true, requestTarget: authority }), {
    guard: context.guard,
    clock: context.clock,
    expectContinueTimeout: 0,
  });
  try {
    const response = await exchange.head(new Connection(transport, `proxy ${proxy.url.host}`));
    // A 2xx ends the exchange at its head; the bytes after it are the tunnel's.
    if (exchange.result) return withPrefix(transport, exchange.result.remaining);
    const where = `The proxy ${proxy.url.host} refused to open a tunnel to ${authority}`;
    // No origin has been reached yet, so a 401 is the proxy's too (tinyproxy answers CONNECT so, with
    // WWW-Authenticate): read as a 407.
    if (response.status === 407 || response.status === 401) {
      throw new ProxyError(
        'ERR_PROXY_AUTH_REQUIRED',
        `${where}: ${response.status} ${response.reason} (${proxy.authorization ? 'the credentials in the proxy URL were refused' : 'it asks for credentials: put them in the proxy URL'})`,
        response.status,
        challengesIn(response.headers, response.status === 407),
      );
    }
    throw new ProxyError('ERR_PROXY_CONNECT', `${where}: ${response.status} ${response.reason}`, response.status);
  } catch (error) {
    await transport.close().catch(() => {});
    throw error;
  }
}

/** The proxy's challenges; a malformed field must not hide the refusal itself, so it gives none. */
function challengesIn(headers: Headers, proxy: boolean): ProxyChallenge[] {
  try {
    return challengesOf(headers, proxy);
  } catch {
    return [];
  }
}

/** `transport`, its first read returning `prefix` first (bytes that came with the proxy's 2xx). */
function withPrefix(transport: Transport, prefix: Uint8Array): Transport {
  if (prefix.length === 0) return transport;
  let pending: Uint8Array | undefined = prefix;
  return {
    get secure() {
      return transport.secure;
    },
    get remoteAddress() {
      return transport.remoteAddress;
    },
    get remotePort() {
      return transport.remotePort;
    },
    read() {
      const first = pending;
      pending = undefined;
      return first ? Promise.resolve(first) : transport.read();
    },
    write: (bytes) => transport.write(bytes),
    close: () => transport.close(),
  };
}
