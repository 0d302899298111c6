// Timing helpers shared by the benchmarks: warm-up, interleaved rounds, medians, and table printing.
// Nothing here is specific to HTTP.
import { fork } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/**
 * Imports a module of the built package: `dist/` next to this folder, or the copy named by IO_HTTP_DIST
 * (bench/run.mjs snapshots dist/ there, so that a rebuild during the run cannot pull files from under it).
 */
export function importDist(file) {
  const base = process.env.IO_HTTP_DIST ? pathToFileURL(`${process.env.IO_HTTP_DIST}/`) : new URL('../dist/', import.meta.url);
  return import(new URL(file, base).href);
}

/** Elapsed milliseconds since `t0` (a bigint from process.hrtime.bigint()). */
export function since(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Spread of the rounds around the median, as a fraction: (max - min) / median. */
export function spread(values) {
  const m = median(values);
  return m === 0 ? 0 : (Math.max(...values) - Math.min(...values)) / m;
}

/** A sink the measured functions return into, so their results cannot be optimised away. */
export let sink = 0;

/**
 * Measures synchronous variants against each other.
 *
 * Each variant is `{ name, fn, ops }`: one call of `fn()` does `ops` operations (responses, events) and returns
 * a number (folded into the sink). All variants are warmed up first; then `rounds` rounds run, each variant
 * for about `roundMs` per round, in an order that rotates every round so that no variant always runs right
 * after another one's garbage. The result per variant is the median rate over the rounds, both per wall-clock
 * second (`rate`) and per second of this process's CPU time (`cpuRate`, user + system): the latter does not
 * count the time the process waited for a core, so it stays meaningful when other processes compete.
 */
export function measure(variants, { warmupMs = 250, rounds = 5, roundMs = 120 } = {}) {
  const batch = new Map();
  for (const v of variants) {
    // Warm-up, and calibration: a batch of calls takes ~2 ms, so reading the clock costs nothing measurable.
    let calls = 0;
    const t0 = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < warmupMs) {
      sink += v.fn();
      calls++;
      elapsed = since(t0);
    }
    batch.set(v, Math.max(1, Math.round((2 * calls) / elapsed)));
  }
  const rates = new Map(variants.map((v) => [v, []]));
  const cpuRates = new Map(variants.map((v) => [v, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(k + r) % variants.length];
      const n = batch.get(v);
      let calls = 0;
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      let elapsed = 0;
      do {
        for (let i = 0; i < n; i++) sink += v.fn();
        calls += n;
        elapsed = since(t0);
      } while (elapsed < roundMs);
      const cpu = process.cpuUsage(cpu0);
      rates.get(v).push((calls * v.ops * 1000) / elapsed);
      cpuRates.get(v).push((calls * v.ops * 1e6) / Math.max(1, cpu.user + cpu.system));
    }
  }
  const out = {};
  for (const v of variants) {
    const rs = rates.get(v);
    const cs = cpuRates.get(v);
    out[v.name] = { rate: median(rs), spread: spread(rs), cpuRate: median(cs), cpuSpread: spread(cs) };
  }
  return out;
}

/** 1234567 → '1.23 M', 12345 → '12.3 k'. */
export function si(n) {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toPrecision(3)} G`;
  if (a >= 1e6) return `${(n / 1e6).toPrecision(3)} M`;
  if (a >= 1e3) return `${(n / 1e3).toPrecision(3)} k`;
  return n.toPrecision(3);
}

export function ratio(a, b) {
  return b > 0 ? (a / b).toFixed(2) : 'n/a';
}

/** A plain-text (and Markdown-compatible) table: `rows` are arrays of cells, the first row the header. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length)));
  const line = (r) => `| ${r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n');
}

/**
 * Command-line flags of the bench scripts: `--quick` (shorter runs), `--json FILE` (write the results there),
 * and any other `--name value` (or bare `--name`, true) in `options`.
 */
export function flags(argv = process.argv.slice(2)) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const next = argv[i + 1];
    options[argv[i].slice(2)] = next !== undefined && !next.startsWith('--') ? argv[++i] : true;
  }
  return { quick: options.quick === true, json: options.json, options };
}

/**
 * Forks a benchmark server (`script` with `args`; `message`, if given, is sent to it first) and resolves once it
 * reports `{ type: 'ready', port }`. execArgv is empty so that flags given to this process (--cpu-prof,
 * --inspect) do not reach the server.
 */
export async function forkServer(script, args = [], message) {
  const child = fork(script, args, { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (message !== undefined) child.send(message);
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 10 s`)), 10_000);
    child.once('error', reject);
    child.on('message', (m) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
  });
  return { child, port };
}
