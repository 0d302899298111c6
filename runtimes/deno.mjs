// Deno: `Deno.connect()` gives a Conn with `readable`, `writable` and `close()`, which is what StreamTransport takes.
// Run by scripts/test-runtimes.mjs: deno run --allow-net=127.0.0.1 runtimes/deno.mjs ORIGIN
import { StreamTransport } from '../dist/core.mjs';
import { report, run } from './e2e.mjs';

const factory = StreamTransport.factory((url) => Deno.connect({ hostname: url.hostname, port: Number(url.port) }));
console.log(report(await run(factory, Deno.args[0])));
