// Bun: `Bun.connect()` calls handlers back (data, drain, end, close, error), which is what
// CallbackSocketTransport gives. Run by scripts/test-runtimes.mjs: bun runtimes/bun.mjs ORIGIN
import { CallbackSocketTransport } from '../dist/core.mjs';
import { report, run } from './e2e.mjs';

const factory = CallbackSocketTransport.factory((transport, url) =>
  Bun.connect({ hostname: url.hostname, port: Number(url.port), socket: transport.handlers }),
);
console.log(report(await run(factory, Bun.argv[2])));
