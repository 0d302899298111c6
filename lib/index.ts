// Entry point `io-http` for Node: the core, the adapters, and NodeTcp / NodeTls registered for http: and https:.
import { NodeTcp } from '../adapters/node-tcp';
import { NodeTls } from '../adapters/node-tls';
import { defaultRegistry } from './session/registry';

export * from './core';
export { NodeTcp, NodeTls };

defaultRegistry.register('http', new NodeTcp());
defaultRegistry.register('https', new NodeTls());
