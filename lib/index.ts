// Entry point `io-http` for Node: the core, the Node adapters, transports registered for http: and https:, and the
// node:zlib content decoders in place of the web ones.
import { NODE_ZLIB_FORMATS, NodeZlibDecoder } from '../adapters/node-zlib';
import { NodeTcp } from '../adapters/node-tcp';
import { NodeTls } from '../adapters/node-tls';
import { nodeTls } from '../adapters/node-socket';
import { defaultDecoders } from './decoding/registry';
import { proxyFromEnvironment } from './session/proxy-environment';
import { Session } from './session/session';
import { defaultRegistry } from './transport/registry';
import type { TransportFactory } from './transport/transport';

export * from './core';
export { NodeTcp, NodeTls, NodeZlibDecoder, NODE_ZLIB_FORMATS };

const tcp = new NodeTcp();
const tls = new NodeTls();
// ForgeTls is registered by name only (never for https:), and loaded on first use: node-forge is large. It
// trusts Node's root store when a connection gives no tls.ca, as NodeTls does.
let forge: Promise<Required<TransportFactory>> | undefined;
const loadForge = (): Promise<Required<TransportFactory>> =>
  (forge ??= import('../adapters/forge-tls').then(({ ForgeTls }) => new ForgeTls({ roots: nodeTls().rootCertificates })));
const forgeTls: TransportFactory = {
  open: async (url, options) => (await loadForge()).open(url, options),
  wrap: async (inner, url, options) => (await loadForge()).wrap(inner, url, options),
};

defaultRegistry.register('http', tcp);
defaultRegistry.register('https', tls);
defaultRegistry.registerNamed('node-tcp', tcp);
defaultRegistry.registerNamed('node-tls', tls);
defaultRegistry.registerNamed('forge-tls', forgeTls);

for (const format of NODE_ZLIB_FORMATS) defaultDecoders.register(format, new NodeZlibDecoder(format));
// Proxies from HTTP_PROXY, HTTPS_PROXY and NO_PROXY, read at each connection (docs/session.md, "Proxies").
Session.setDefaultProxy((url) => proxyFromEnvironment(process.env, url));
