// The end-to-end script every runtime runs against the Node loopback server (runtimes/server.mjs). It imports
// the built core only, and nothing of Node: each runtime's entry gives it a transport factory made with that
// runtime's own sockets.
import { Session } from '../dist/core.mjs';

const LARGE = 4 * 1024 * 1024;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Runs the checks with `factory` against `origin`; returns one `{ name, ok, detail }` per check. */
export async function run(factory, origin) {
  const results = [];
  const step = async (name, body) => {
    try {
      results.push({ name, ok: true, detail: await body() });
    } catch (error) {
      results.push({ name, ok: false, detail: `${error?.name ?? 'Error'}${error?.code ? ` ${error.code}` : ''}: ${error?.message ?? error}` });
    }
  };
  const session = new Session(origin, { transport: factory, timeouts: { total: 15000 } });
  try {
    let first;
    await step('GET', async () => {
      const response = await session.send({ path: '/hello' });
      check(response.status === 200, `status ${response.status}`);
      check(response.text() === 'hello from node', `body ${JSON.stringify(response.text())}`);
      first = response.headers.get('x-connection');
      return `200 "${response.text()}" (connection ${first})`;
    });
    await step('POST on the reused connection', async () => {
      const body = new TextEncoder().encode('0123456789abcdef'.repeat(16 * 1024)); // 256 KiB
      const response = await session.send({ method: 'POST', path: '/echo', body });
      const echoed = response.body;
      check(response.status === 200, `status ${response.status}`);
      check(echoed.length === body.length && echoed.every((b, i) => b === body[i]), `echo of ${echoed.length} bytes differs`);
      const connection = response.headers.get('x-connection');
      check(connection === first, `connection ${connection}, not the GET's ${first}`);
      return `256 KiB echoed on connection ${connection}`;
    });
    await step('streaming', async () => {
      const response = await session.stream({ path: '/stream' });
      const pieces = [];
      for await (const piece of response.body) pieces.push(new TextDecoder().decode(piece));
      check(pieces.join('') === 'piece 1;piece 2;piece 3;piece 4;', `body ${JSON.stringify(pieces.join(''))}`);
      check(pieces.length >= 2, `the body came in ${pieces.length} piece(s)`);
      // The chunks are kept and checked once the body has ended: a chunk that a later read overwrote would show.
      const large = await session.stream({ path: '/large' });
      const chunks = [];
      for await (const chunk of large.body) chunks.push(chunk);
      let offset = 0;
      for (const chunk of chunks) {
        for (let i = 0; i < chunk.length; i++, offset++) {
          check(chunk[i] === ((offset * 7 + (offset >> 12)) & 0xff), `byte ${offset} of /large is wrong`);
        }
      }
      check(offset === LARGE, `/large gave ${offset} bytes`);
      return `${pieces.length} pieces as sent; 4 MiB in ${chunks.length} chunks, every byte right once all were in`;
    });
    await step('SSE', async () => {
      const events = [];
      // The run's own stream: the server counts its connections per `run`.
      const run = Math.random().toString(36).slice(2);
      for await (const event of session.events({ path: `/events?run=${run}` })) events.push(event);
      const seen = events.map((e) => `${e.event}#${e.id}:${e.data}`).join(' ');
      check(seen === 'message#1:first update#2:second message#3:third\nline', `events ${JSON.stringify(seen)}`);
      return `${events.length} events, then the reconnect was told to stop`;
    });
    await step('timeout', async () => {
      const startedAt = Date.now();
      let error;
      try {
        await session.send({ path: '/slow', timeout: { headers: 300 } });
      } catch (caught) {
        error = caught;
      }
      check(error?.code === 'ERR_TIMEOUT' && error.phase === 'headers', `got ${error ? `${error.name} ${error.code}` : 'a response'}`);
      return `TimeoutError (headers, 300 ms) after ${Date.now() - startedAt} ms`;
    });
  } finally {
    await session.close();
  }
  return results;
}

/** The line the runner looks for on stdout. */
export function report(results) {
  return `IO_HTTP_RESULTS ${JSON.stringify({ results })}`;
}
