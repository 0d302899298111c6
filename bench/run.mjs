// `npm run bench`: the parser benchmark, the end-to-end cases and the TLS benchmark, each client of each case
// in a Node process of its own, then the tables and (after a full run) bench/RESULTS.md.
//
//   npm run bench                       # full: 3 passes, about 7 minutes on a quiet 2-core machine
//   npm run bench -- --quick            # 1 short pass, no RESULTS.md: a rough look
//   node bench/run.mjs --passes 3 --cases small-1,sse     # some cases, against the current dist/
//
// End-to-end method: one server process (bench/server.mjs) for the whole run; for each pass, for each case,
// each client in its own process (bench/e2e.mjs), the order of the clients rotated every pass so that none
// always runs right after another. Medians over the passes. See docs/bench.md.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from './cases.mjs';
import { flags, forkServer } from './harness.mjs';
import { e2eTable, resultsMarkdown, summarize, targetsTable } from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { quick, options } = flags();
const passes = Number(options.passes ?? (quick ? 1 : 3));
const cases = options.cases ? CASES.filter((c) => options.cases.split(',').includes(c.id)) : CASES;
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
const env = { ...process.env, IO_HTTP_DIST: path.join(tmp, 'dist') };
// And of bench/ itself, so that editing a client during the run does not change the processes still to come.
const bench = path.join(tmp, 'bench');
cpSync(here, bench, { recursive: true, filter: (f) => !f.endsWith('RESULTS.md') });

/** Runs a bench script in its own Node process and returns the JSON it wrote. */
function run(script, args = [], timeout = 150_000) {
  const out = path.join(tmp, 'out.json');
  rmSync(out, { force: true });
  const all = ['--no-deprecation', path.join(bench, script), ...args, '--json', out];
  if (quick) all.push('--quick');
  const r = spawnSync(process.execPath, all, { stdio: 'inherit', timeout, env });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
  return JSON.parse(readFileSync(out, 'utf8'));
}

function machine() {
  const require = createRequire(import.meta.url);
  const git = spawnSync('git', ['describe', '--always', '--dirty'], { cwd: here, encoding: 'utf8' });
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown CPU',
    cores: os.cpus().length,
    memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()}`,
    undici: require('undici/package.json').version,
    eventsourceParser: require('eventsource-parser/package.json').version,
    commit: git.status === 0 ? git.stdout.trim() : 'unknown',
  };
}

async function runCases(tell) {
  const server = await forkServer(path.join(bench, 'server.mjs'));
  const stats = () => new Promise((resolve) => (server.child.once('message', resolve), server.child.send('stats')));
  const origin = `http://127.0.0.1:${server.port}`;
  const runs = [];
  try {
    for (let pass = 0; pass < passes; pass++) {
      for (const c of cases) {
        const order = c.clients.map((_, i) => c.clients[(i + pass) % c.clients.length]);
        for (const client of order) {
          const before = await stats();
          const r = run('e2e.mjs', ['--case', c.id, '--client', client, '--origin', origin], 60_000);
          r.connections = (await stats()).connections - before.connections;
          runs.push(r);
        }
        tell(`  pass ${pass + 1}/${passes}: ${c.id} done`);
      }
    }
  } finally {
    server.child.disconnect(); // the server exits on disconnect
  }
  return runs;
}

const started = new Date();
const loadStart = os.loadavg();
const m = machine();
console.log(`io-http benchmarks — node ${process.version}, ${m.cores} × ${m.cpu}, undici ${m.undici}, load average ${loadStart[0].toFixed(2)}`);
try {
  const phases = [];
  const timed = async (name, fn) => {
    const t0 = Date.now();
    const result = await fn();
    phases.push(`${name} ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    return result;
  };
  const parser = options.cases ? undefined : await timed('parser', () => run('parser.mjs'));
  const runs = await timed('end to end', () => runCases((line) => process.stderr.write(`${line}\n`)));
  const tls = options.cases ? undefined : await timed('TLS', () => run('tls.mjs'));
  const seconds = (Date.now() - started.getTime()) / 1000;
  const summary = summarize(runs);
  const loadEnd = os.loadavg();

  if (parser) console.log(`\nParser, responses per CPU-second (ratio = io-http / llhttp; > 1 means io-http is faster)\n\n${parser.table}`);
  console.log(`\nEnd to end, medians of ${passes} pass(es); "io-http ÷ this" > 1 means io-http is faster\n\n${e2eTable(summary)}`);
  console.log(`\nTargets of issue 9\n\n${targetsTable(summary)}`);
  if (tls) console.log(`\nTLS (ratio = ForgeTls speed / NodeTls speed)\n\n${tls.table}`);
  console.log(`\ntotal ${seconds.toFixed(0)} s (${phases.join(', ')}; the build before it not counted); load average ${loadStart[0].toFixed(2)} → ${loadEnd[0].toFixed(2)} (other processes skew absolute numbers more than ratios)`);
  if (!quick && parser && tls) {
    const file = path.join(here, 'RESULTS.md');
    writeFileSync(file, resultsMarkdown({ machine: m, started, seconds, phases, passes, loadStart, loadEnd, summary, parserTable: parser.table, tlsTable: tls.table }));
    console.log(`written: ${path.relative(process.cwd(), file)}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
