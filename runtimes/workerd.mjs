// workerd (the Cloudflare Workers runtime): `connect()` from cloudflare:sockets gives a Socket with `readable`,
// `writable` and `close()`, which is what StreamTransport takes. Run by scripts/test-runtimes.mjs as
// `workerd test runtimes/workerd.capnp`, with the server's origin in IO_HTTP_ORIGIN.
import { connect } from 'cloudflare:sockets';
import { StreamTransport } from '../dist/core.mjs';
import { report, run } from './e2e.mjs';

export default {
  async test(_controller, env) {
    const factory = StreamTransport.factory(async (url) => {
      const socket = connect({ hostname: url.hostname, port: Number(url.port) });
      await socket.opened;
      return socket;
    });
    const results = await run(factory, env.ORIGIN);
    console.log(report(results));
    if (results.some((result) => !result.ok)) throw new Error('a check failed');
  },
};
