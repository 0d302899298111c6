// One client on one end-to-end case, in a process of its own (fresh JIT and heap): bench/run.mjs starts one
// per client, case and pass. It warms up until steady, then runs the case's workload with `connections`
// operations in flight for a fixed time, and reports what it did, the CPU time of this process, its peak RSS.
//
//   node bench/e2e.mjs --case small-1 --client io-http --origin http://127.0.0.1:PORT [--quick] [--json FILE]
//
// The server is bench/server.mjs, started apart (bench/run.mjs does). See docs/bench.md.
import { writeFileSync } from 'node:fs';
import { argumentOf, CASES } from './cases.mjs';
import { flags, since } from './harness.mjs';

const { quick, json, options } = flags();
const c = CASES.find((x) => x.id === options.case);
if (!c) throw new Error(`unknown case ${options.case}; cases: ${CASES.map((x) => x.id).join(', ')}`);
if (!c.clients.includes(options.client)) throw new Error(`case ${c.id} has no client ${options.client}`);
const client = await import(`./clients/${options.client}.mjs`);
const [maxWarmupMs, runMs] = quick ? [1000, 600] : [2000, 1500];

const ctx = await client.open(options.origin, c.connections);
const arg = argumentOf(c);
const workload = client[c.api];
const one = async () => {
  const got = await workload(ctx, arg);
  if (got !== c.expect) throw new Error(`${options.client} on ${c.id}: got ${got}, expected ${c.expect}`);
};

/** `connections` loops of operations, each starting the next when its last ended, until `ms` have passed. */
async function loop(ms) {
  let ops = 0;
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    do {
      await one();
      ops++;
    } while (since(t0) < ms);
  };
  await Promise.all(Array.from({ length: c.connections }, worker));
  return { ops, elapsedMs: since(t0) };
}

/**
 * Warm-up until steady: windows of 250 ms until the CPU time per operation stops falling (two windows in a
 * row not 10 % below the best so far), at least 500 ms, at most `maxWarmupMs`. A fixed short warm-up measured
 * some clients (undici's WebAssembly parser above all) while their code was still being optimised.
 */
async function warmUp() {
  let best = Infinity;
  let flat = 0;
  let spent = 0;
  while (spent < maxWarmupMs) {
    const cpu0 = process.cpuUsage();
    const { ops, elapsedMs } = await loop(250);
    const cpu = process.cpuUsage(cpu0);
    const perOp = (cpu.user + cpu.system) / ops;
    spent += elapsedMs;
    flat = perOp > best * 0.9 ? flat + 1 : 0;
    best = Math.min(best, perOp);
    if (flat >= 2 && spent >= 500) break;
  }
  return spent;
}

const warmupMs = await warmUp();
const cpu0 = process.cpuUsage();
const { ops, elapsedMs } = await loop(runMs);
const cpu = process.cpuUsage(cpu0);
await ctx.close();

const result = {
  case: c.id,
  client: options.client,
  warmupMs,
  ops,
  elapsedMs,
  rate: (ops * c.perOp * 1000) / elapsedMs, // units per second
  cpuUsPerUnit: (cpu.user + cpu.system) / (ops * c.perOp),
  maxRssKiB: process.resourceUsage().maxRSS,
};
if (json) writeFileSync(json, JSON.stringify(result));
else console.log(result);
