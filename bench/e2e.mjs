// End-to-end benchmark: sequential keep-alive GETs over one connection to a node:http server on 127.0.0.1
// (bench/server.mjs, in a child process), with io-http, node:http and undici@7 in the same run.
//
//   node bench/e2e.mjs [--quick] [--json FILE]
//
// See docs/bench.md for what is measured and how the comparison is kept fair.
import http from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client, Pool } from 'undici';
import { flags, forkServer, importDist, median, ratio, si, since, spread, table } from './harness.mjs';

const { EOF, Http11Protocol, HttpRequest } = await importDist('core.mjs');
const { NodeTcp } = await importDist('adapters/node-tcp.mjs');

const SMALL_LENGTH = 13;
const LARGE_LENGTH = 1024 * 1024;

/** Starts bench/server.mjs and resolves with its origin and a handle to stop it. */
async function startServer() {
  const { child, port } = await forkServer(fileURLToPath(new URL('./server.mjs', import.meta.url)));
  const stats = () =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m));
      child.send('stats');
    });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.disconnect(); // the server exits on disconnect
    });
  return { origin: `http://127.0.0.1:${port}`, stats, stop };
}

// ---------------------------------------------------------------------------------------------------------
// Clients. Each makes one connection, reused for every request, and returns each response's body as one
// contiguous byte array (the body is read in full before the next request starts).

async function nodeHttpClient(origin) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path) =>
    new Promise((resolve, reject) => {
      const req = http.get(`${origin}${path}`, { agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
        res.on('error', reject);
      });
      req.on('error', reject);
    });
  return { get, close: async () => agent.destroy() };
}

async function undiciClient(origin) {
  const client = new Client(origin);
  const get = async (path) => {
    const { body } = await client.request({ path, method: 'GET' });
    return new Uint8Array(await body.arrayBuffer());
  };
  return { get, close: () => client.close() };
}

async function ioHttpSessionClient(origin, Session) {
  const session = new Session(origin, { transport: new NodeTcp() });
  const get = async (path) => (await session.send({ path })).body;
  const close = async () => {
    if (typeof session.close === 'function') await session.close();
  };
  return { get, close };
}

/**
 * io-http without the Session: Http11Protocol driven by hand over one NodeTcp transport. The floor of what a
 * session on top of the protocol can cost; the gap to the Session row is the session's own overhead.
 */
async function ioHttpProtocolClient(origin) {
  const url = new URL(origin);
  const transport = await new NodeTcp().open(url, {});
  let leftover;
  const get = async (path) => {
    const protocol = new Http11Protocol(HttpRequest.get(new URL(path, url)));
    let input;
    for (;;) {
      const step = protocol.resume(input);
      if (step.done) {
        if (!step.value.keepAlive) throw new Error('the server closed the connection');
        leftover = step.value.remaining.length > 0 ? step.value.remaining : undefined;
        return step.value.response.body;
      }
      const y = step.value;
      input = undefined;
      if (y.type === 'write') await transport.write(y.bytes);
      else if (y.type === 'read') {
        if (leftover) {
          input = leftover;
          leftover = undefined;
        } else input = (await transport.read()) ?? EOF;
      } else throw new Error(`unexpected yield ${y.type}`);
    }
  };
  return { get, close: () => transport.close() };
}

/** Concurrent requests per batch, and connections of the pooled clients. */
const CONCURRENCY = 16;

/**
 * `Promise.all` of 16 GETs per call: one default io-http Session (its pool: 16 connections by default) against
 * undici's Pool with 16 connections. `get` returns one body (all are checked by length).
 */
async function concurrentClients(origin, Session) {
  const batch = (one) => async (path) => {
    const bodies = await Promise.all(Array.from({ length: CONCURRENCY }, () => one(path)));
    if (bodies.some((b) => b.length !== bodies[0].length)) throw new Error('bodies of different lengths');
    return bodies[0];
  };
  const session = new Session(origin, { transport: new NodeTcp() });
  const pool = new Pool(origin, { connections: CONCURRENCY });
  return [
    { name: 'io-http Session ×16', get: batch(async (path) => (await session.send({ path })).body), close: () => session.close() },
    {
      name: 'undici Pool ×16',
      get: batch(async (path) => {
        const { body } = await pool.request({ path, method: 'GET' });
        return new Uint8Array(await body.arrayBuffer());
      }),
      close: () => pool.close(),
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Runs each client's request loop for `roundMs` (or `maxPerRound` requests, whichever comes first) per round,
 * clients interleaved and their order rotated every round; reports the median requests/s and the median
 * client-process CPU time per request (user + system, this process only: the server's CPU is not in it).
 */
async function measureAsync(clients, path, expectLength, { warmupMs, rounds, roundMs, maxPerRound }) {
  for (const c of clients) {
    const t0 = process.hrtime.bigint();
    do {
      const body = await c.get(path);
      if (body.length !== expectLength) throw new Error(`${c.name}: body of ${body.length} bytes, expected ${expectLength}`);
    } while (since(t0) < warmupMs);
  }
  const rates = new Map(clients.map((c) => [c, []]));
  const cpu = new Map(clients.map((c) => [c, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < clients.length; k++) {
      const c = clients[(k + r) % clients.length];
      let n = 0;
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      let elapsed = 0;
      do {
        await c.get(path);
        n++;
        elapsed = since(t0);
      } while (elapsed < roundMs && n < maxPerRound);
      const used = process.cpuUsage(cpu0);
      rates.get(c).push((n * 1000) / elapsed);
      cpu.get(c).push((used.user + used.system) / n);
    }
  }
  const out = {};
  for (const c of clients) out[c.name] = { rate: median(rates.get(c)), spread: spread(rates.get(c)), cpuUsPerRequest: median(cpu.get(c)) };
  return out;
}

export async function runE2E({ quick = false } = {}) {
  const index = await importDist('index.mjs');
  const Session = index.Session;
  const server = await startServer();
  const made = [];
  try {
    const clients = [];
    const add = async (name, factory) => {
      const c = { name, ...(await factory()) };
      made.push(c);
      clients.push(c);
    };
    if (Session) await add('io-http Session', () => ioHttpSessionClient(server.origin, Session));
    await add('io-http protocol', () => ioHttpProtocolClient(server.origin));
    await add('node:http', () => nodeHttpClient(server.origin));
    await add('undici', () => undiciClient(server.origin));

    const smallOpts = quick ? { warmupMs: 150, rounds: 3, roundMs: 300, maxPerRound: 20_000 } : { warmupMs: 300, rounds: 7, roundMs: 500, maxPerRound: 50_000 };
    const largeOpts = quick ? { warmupMs: 150, rounds: 3, roundMs: 300, maxPerRound: 200 } : { warmupMs: 300, rounds: 7, roundMs: 500, maxPerRound: 500 };
    const small = await measureAsync(clients, '/small', SMALL_LENGTH, smallOpts);
    process.stderr.write('  e2e: small done\n');
    const large = await measureAsync(clients, '/large', LARGE_LENGTH, largeOpts);
    process.stderr.write('  e2e: large done\n');
    // Each client must have used exactly one connection for all its requests.
    const stats = await server.stats();
    if (stats.connections !== clients.length) {
      process.stderr.write(`  e2e: WARNING: the server saw ${stats.connections} connections for ${clients.length} clients\n`);
    }

    let concurrent;
    if (Session) {
      const pooled = await concurrentClients(server.origin, Session);
      made.push(...pooled);
      const batchOpts = { ...smallOpts, maxPerRound: Math.ceil(smallOpts.maxPerRound / CONCURRENCY) };
      concurrent = await measureAsync(pooled, '/small', SMALL_LENGTH, batchOpts);
      process.stderr.write('  e2e: concurrent done\n');
    }
    return { session: Boolean(Session), clients: clients.map((c) => c.name), small, large, concurrent, serverConnections: stats.connections, serverRequests: stats.requests };
  } finally {
    for (const c of made) await c.close().catch(() => {});
    await server.stop();
  }
}

export function e2eTable(e) {
  const base = e.clients.includes('io-http Session') ? 'io-http Session' : 'io-http protocol';
  const rows = [['workload / client', 'req/s', 'MB/s', 'client CPU µs/req', 'ratio req/s', 'ratio CPU', 'spread']];
  for (const [label, res, size] of [
    ['small GET (13 B)', e.small, SMALL_LENGTH],
    ['1 MiB GET', e.large, LARGE_LENGTH],
  ]) {
    for (const name of e.clients) {
      const r = res[name];
      rows.push([
        `${label}: ${name}`,
        si(r.rate),
        ((r.rate * size) / 1e6).toFixed(size > 1000 ? 0 : 2),
        r.cpuUsPerRequest.toFixed(0),
        name === base ? '' : ratio(res[base].rate, r.rate),
        name === base ? '' : ratio(r.cpuUsPerRequest, res[base].cpuUsPerRequest),
        `${(r.spread * 100).toFixed(0)}%`,
      ]);
    }
  }
  if (e.concurrent) {
    const [io, un] = ['io-http Session ×16', 'undici Pool ×16'].map((name) => e.concurrent[name]);
    for (const [name, r] of [['io-http Session ×16', io], ['undici Pool ×16', un]]) {
      rows.push([
        `16 × small GET, Promise.all: ${name}`,
        si(r.rate * CONCURRENCY),
        ((r.rate * CONCURRENCY * SMALL_LENGTH) / 1e6).toFixed(2),
        (r.cpuUsPerRequest / CONCURRENCY).toFixed(0),
        r === io ? '' : ratio(io.rate, un.rate),
        r === io ? '' : ratio(un.cpuUsPerRequest, io.cpuUsPerRequest),
        `${(r.spread * 100).toFixed(0)}%`,
      ]);
    }
  }
  return table(rows);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { quick, json } = flags();
  const e = await runE2E({ quick });
  const base = e.clients.includes('io-http Session') ? 'io-http Session' : 'io-http protocol';
  console.log(`\nEnd to end, one keep-alive connection per client, sequential requests. Ratios: ${base} / client, by`);
  console.log('wall-clock req/s and by client CPU time per request (> 1: io-http is faster / cheaper)\n');
  console.log(e2eTable(e));
  if (!e.session) console.log('\n(io-http Session is not in dist/index.mjs yet: only the hand-driven protocol was measured)');
  console.log(`\nserver saw ${e.serverConnections} connections for ${e.clients.length} clients, ${e.serverRequests} requests`);
  if (json) (await import('node:fs')).writeFileSync(json, JSON.stringify({ e2e: e }, null, 2));
}
