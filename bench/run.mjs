// `npm run bench`: the parser benchmarks and the end-to-end benchmark, each in its own Node process (so neither
// inherits the other's JIT state or heap), then one table of ratios. Flags: --quick (shorter rounds).
//
// Ratio = io-http throughput / other throughput: > 1 means io-http is faster.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { flags, ratio, si, table } from './harness.mjs';
import { tlsHeader, tlsRows } from './tls.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { quick } = flags();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'io-http-bench-'));

// A snapshot of dist/: the benchmarks import it (IO_HTTP_DIST), so a rebuild during the run changes nothing.
const dist = path.join(here, '..', 'dist');
if (!existsSync(path.join(dist, 'index.mjs'))) {
  console.error('dist/ is not built: run `npm run build` (or `npm run bench`, which builds first)');
  process.exit(1);
}
cpSync(dist, path.join(tmp, 'dist'), { recursive: true });
// Bare imports of dist (node-forge) resolve through the project's node_modules.
symlinkSync(path.join(here, '..', 'node_modules'), path.join(tmp, 'node_modules'), 'dir');

function run(script) {
  const out = path.join(tmp, `${script}.json`);
  const args = ['--no-deprecation', path.join(here, script), '--json', out];
  if (quick) args.push('--quick');
  const env = { ...process.env, IO_HTTP_DIST: path.join(tmp, 'dist') };
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', timeout: 150_000, env });
  if (r.status !== 0) throw new Error(`${script} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
  return JSON.parse(readFileSync(out, 'utf8'));
}

const started = Date.now();
console.log(`io-http benchmarks — node ${process.version}, ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, load average ${os.loadavg()[0].toFixed(2)}`);
try {
  const { parser, sse } = run('parser.mjs');
  const { e2e } = run('e2e.mjs');
  const { tls } = run('tls.mjs');

  const rows = [['comparison', 'io-http', 'other', 'ratio (CPU time)', 'ratio (wall clock)']];
  for (const r of parser) {
    const x = r.rates;
    const w = r.wallRates;
    for (const [suffix, io, ll] of [
      ['', 'io-http', 'llhttp'],
      [', 3 pieces', 'io-http 3pc', 'llhttp 3pc'],
    ]) {
      rows.push([`parse ${r.workload} vs llhttp${suffix}`, `${si(x[io])} resp/s`, `${si(x[ll])} resp/s`, ratio(x[io], x[ll]), ratio(w[io], w[ll])]);
    }
  }
  const base = e2e.clients.includes('io-http Session') ? 'io-http Session' : 'io-http protocol';
  for (const [label, res] of [
    ['e2e small GET', e2e.small],
    ['e2e 1 MiB GET', e2e.large],
  ]) {
    for (const other of ['node:http', 'undici']) {
      const cell = (r) => `${si(r.rate)} req/s, ${r.cpuUsPerRequest.toFixed(0)} µs CPU`;
      rows.push([`${label}: ${base} vs ${other}`, cell(res[base]), cell(res[other]), ratio(res[other].cpuUsPerRequest, res[base].cpuUsPerRequest), ratio(res[base].rate, res[other].rate)]);
    }
  }
  if (e2e.concurrent) {
    const io = e2e.concurrent['io-http Session ×16'];
    const un = e2e.concurrent['undici Pool ×16'];
    const cell = (r) => `${si(r.rate * 16)} req/s, ${(r.cpuUsPerRequest / 16).toFixed(0)} µs CPU`;
    rows.push(['e2e 16 × small GET in parallel: io-http Session vs undici Pool(16)', cell(io), cell(un), ratio(un.cpuUsPerRequest, io.cpuUsPerRequest), ratio(io.rate, un.rate)]);
  }
  console.log('\nSummary (ratio = io-http / other; > 1 means io-http is faster). Parser rates are per CPU-second;');
  console.log('e2e "ratio (CPU time)" compares the client process\'s CPU time per request, "wall clock" the req/s.\n');
  console.log(table(rows));
  console.log('\nTLS (ratio = ForgeTls speed / NodeTls speed, > 1 means ForgeTls is faster):\n');
  console.log(table([tlsHeader, ...tlsRows(tls)]));
  if (sse) console.log(`\nSSE parse (io-http only): ${si(sse.events)} events/s`);
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s; load average now ${os.loadavg()[0].toFixed(2)} (other processes skew absolute numbers more than ratios)`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
