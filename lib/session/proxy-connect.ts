import { UsageError } from '../message/errors';
import { withOwnedReads } from '../transport/owned-reads';
import type { Transport, TransportFactory, TransportOptions } from '../transport/transport';
import type { Route } from './route';
import { openTunnel, type TunnelContext } from './tunnel';

/**
 * Opens a connection to a proxy for `url` with `proxyFactory` (the session's transport for the proxy URL's
 * scheme, http:); for a tunnel, the CONNECT exchange follows, then `factory` (the transport for the URL) runs
 * TLS over the tunnel with its `wrap`. A factory without `wrap` cannot: UsageError 'ERR_NO_TRANSPORT', before
 * anything is opened.
 */
export async function openThroughProxy(
  url: URL,
  route: Exclude<Route, { kind: 'direct' }>,
  factory: TransportFactory,
  proxyFactory: TransportFactory,
  options: TransportOptions,
  context: TunnelContext,
): Promise<Transport> {
  const { proxy } = route;
  if (route.kind === 'tunnel' && !factory.wrap) {
    throw new UsageError(
      `The transport for ${url.protocol} cannot run over a proxy tunnel (it has no wrap()); use NodeTls or ForgeTls, or proxy: false`,
      'ERR_NO_TRANSPORT',
    );
  }
  const { tls: _tls, ...plain } = options;
  const transport = withOwnedReads(await proxyFactory.open(proxy.url, plain));
  if (route.kind === 'forward') return transport;
  const tunnel = await openTunnel(transport, url, proxy, context);
  return factory.wrap!(tunnel, url, options);
}
