// What bench/run.mjs makes of the end-to-end runs: medians per case and client over the passes, the table with
// the ratios to each peer, the targets of issue 9 checked against them, and bench/RESULTS.md.
import { CASES, label } from './cases.mjs';
import { median, ratio, si, spread, table } from './harness.mjs';

/** Runs (one per process) → { [case]: { [client]: medians over the passes } }. */
export function summarize(runs) {
  const out = {};
  for (const c of CASES) {
    for (const client of c.clients) {
      const mine = runs.filter((r) => r.case === c.id && r.client === client);
      if (mine.length === 0) continue;
      const rates = mine.map((r) => r.rate);
      (out[c.id] ??= {})[client] = {
        rate: median(rates),
        spread: spread(rates),
        cpuUsPerUnit: median(mine.map((r) => r.cpuUsPerUnit)),
        maxRssKiB: median(mine.map((r) => r.maxRssKiB)),
        connections: Math.max(...mine.map((r) => r.connections ?? 0)),
        passes: mine.length,
      };
    }
  }
  return out;
}

function throughput(c, rate) {
  if (c.unit === 'MiB') return `${rate.toFixed(0)} MiB/s`;
  return `${si(rate)} ${c.unit}/s`;
}

/**
 * One row per case and client. "vs io-http": io-http's throughput ÷ this client's (> 1: io-http is faster);
 * "CPU vs io-http": this client's CPU time per unit ÷ io-http's (> 1: io-http costs less).
 */
export function e2eTable(summary) {
  const rows = [['case', 'client', 'throughput', 'io-http ÷ this', 'CPU µs / unit', 'CPU this ÷ io-http', 'peak RSS', 'spread', 'conns']];
  for (const c of CASES) {
    const s = summary[c.id];
    if (!s) continue;
    const io = s['io-http'];
    for (const client of c.clients) {
      const r = s[client];
      if (!r) continue;
      const self = client === 'io-http';
      rows.push([
        self ? c.title : '',
        label(client, c),
        throughput(c, r.rate),
        self || !io ? '' : ratio(io.rate, r.rate),
        `${r.cpuUsPerUnit.toFixed(r.cpuUsPerUnit < 10 ? 2 : 0)} / ${c.unit}`,
        self || !io ? '' : ratio(r.cpuUsPerUnit, io.cpuUsPerUnit),
        `${(r.maxRssKiB / 1024).toFixed(0)} MiB`,
        `${(r.spread * 100).toFixed(0)}%`,
        c.api === 'parse' ? '' : String(r.connections),
      ]);
    }
  }
  return table(rows);
}

/** The targets of issue 9: io-http's throughput ÷ a peer's, in the same run. */
const TARGETS = [
  { workload: 'small GET, 1 connection', target: '≥ 1.25 × undici `dispatch`', cases: ['small-1'], peers: ['undici-dispatch'], min: 1.25 },
  { workload: 'small GET, 16 connections (one Session)', target: '≥ 1.2 × undici `Pool.dispatch`', cases: ['small-16'], peers: ['undici-dispatch'], min: 1.2 },
  { workload: '50 header fields, 1 connection', target: '≥ 1.3 × undici `dispatch`', cases: ['headers50-1'], peers: ['undici-dispatch'], min: 1.3 },
  { workload: '1 MiB Content-Length, `send()`', target: '≥ 1.0 × node:http', cases: ['length-send'], peers: ['node-http'], min: 1.0 },
  { workload: '1 MiB in 1 KiB chunks', target: '≥ 1.2 × undici `dispatch`', cases: ['chunk1k-send', 'chunk1k-stream'], peers: ['undici-dispatch'], min: 1.2 },
  { workload: '1 MiB in 64 KiB chunks', target: '≥ 1.0 × node:http', cases: ['chunk64k-send'], peers: ['node-http'], min: 1.0 },
  // "undici + eventsource-parser": the faster of its two undici forms.
  { workload: 'SSE parsed events', target: '≥ 2 × undici + eventsource-parser', cases: ['sse'], peers: ['undici-dispatch', 'undici-request'], min: 2 },
];

export function targetsTable(summary) {
  const rows = [['workload', 'target', 'reached', 'met']];
  for (const t of TARGETS) {
    for (const id of t.cases) {
      const c = CASES.find((x) => x.id === id);
      const s = summary[id];
      if (!s?.['io-http']) continue;
      const peer = t.peers.filter((p) => s[p]).sort((a, b) => s[b].rate - s[a].rate)[0];
      const x = s['io-http'].rate / s[peer].rate;
      const what = t.cases.length > 1 ? `${t.workload} (\`${c.api}()\`)` : t.workload;
      rows.push([what, t.target, `${x.toFixed(2)} × ${label(peer, c)}`, x >= t.min ? 'met' : 'not met']);
    }
  }
  // Peak RSS: io-http's against node:http's, case by case.
  const over = [];
  let compared = 0;
  for (const c of CASES) {
    const io = summary[c.id]?.['io-http'];
    const node = summary[c.id]?.['node-http'];
    if (!io || !node) continue;
    compared++;
    if (io.maxRssKiB > node.maxRssKiB) over.push(`${c.id} ${(io.maxRssKiB / 1024).toFixed(0)} > ${(node.maxRssKiB / 1024).toFixed(0)} MiB`);
  }
  const reached = over.length === 0 ? `≤ node:http in all ${compared} cases` : `above node:http in ${over.length} of ${compared}: ${over.join('; ')}`;
  rows.push(['every workload', "peak RSS ≤ node:http's", reached, over.length === 0 ? 'met' : 'not met']);
  return table(rows);
}

/** bench/RESULTS.md: where and when, the targets, then every table. */
export function resultsMarkdown({ machine, started, seconds, phases, passes, loadStart, loadEnd, summary, parserTable, tlsTable }) {
  return `# Benchmark results

Written by \`npm run bench\` (bench/run.mjs) at the end of its last full run; docs/bench.md says how to read it.

- date: ${started.toISOString()}
- machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB; ${machine.os}
- Node ${process.version}, undici ${machine.undici}, eventsource-parser ${machine.eventsourceParser}; io-http ${machine.commit}
- load average (1, 5, 15 min) at the start ${loadStart.map((x) => x.toFixed(2)).join(', ')}, at the end ${loadEnd.map((x) => x.toFixed(2)).join(', ')}
- ${passes} interleaved passes of one process per client and case; medians; ${seconds.toFixed(0)} s after the build (${phases.join(', ')})

## Targets (issue 9)

Ratios are io-http's throughput ÷ the peer's, medians of the same run.

${targetsTable(summary)}

## End to end

Throughput by wall clock; CPU time and peak RSS of the client process (the server runs apart). "io-http ÷ this" > 1:
io-http is faster; "CPU this ÷ io-http" > 1: io-http costs less CPU. "spread" is (max − min) ÷ median of the
throughput over the passes; "conns" the most connections the server saw one process open.

${e2eTable(summary)}

## Parser: io-http Http11Protocol against llhttp (responses per CPU-second, one process, interleaved)

${parserTable}

## TLS: ForgeTls against NodeTls (ratio = ForgeTls speed ÷ NodeTls speed)

${tlsTable}
`;
}
