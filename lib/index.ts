// Entry point `io-http` for Node: the core, the Node adapters, and transports registered for http: and https:.
import { NodeTcp } from '../adapters/node-tcp';
import { NodeTls } from '../adapters/node-tls';
import { defaultRegistry } from './transport/registry';
import type { TransportFactory } from './transport/transport';

export * from './core';
export { NodeTcp, NodeTls };

const tcp = new NodeTcp();
const tls = new NodeTls();
// ForgeTls is registered by name only (never for https:), and loaded on first use: node-forge is large.
const forgeTls: TransportFactory = {
  open: async (url, options) => new (await import('../adapters/forge-tls')).ForgeTls().open(url, options),
};

defaultRegistry.register('http', tcp);
defaultRegistry.register('https', tls);
defaultRegistry.registerNamed('node-tcp', tcp);
defaultRegistry.registerNamed('node-tls', tls);
defaultRegistry.registerNamed('forge-tls', forgeTls);
