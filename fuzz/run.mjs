// Long fuzzing runs, not in CI: the fast-check properties of the differential test (io-http against llhttp) and
// of spec/protocol/properties.spec.ts, each for its share of the time, from fresh seeds.
//
//   npm run fuzz [-- --minutes 5] [--only 'differential']
//
// With --only, just the tests whose name matches run (jest -t), each property among them for the whole time.
//
// Run counts are appended to fuzz/out/runs.jsonl; a failing property writes its shrunk counterexample to
// fuzz/out/failures/ (see spec/conformance/property-runs.ts) and the run ends with a non-zero status.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SPECS = ['spec/conformance/differential.spec.ts', 'spec/protocol/properties.spec.ts'];
/** Properties in SPECS that run under assertProperty: each gets an equal share of the time. */
const PROPERTIES = 8;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const flag = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const minutes = Number(flag('--minutes') ?? 5);
if (!(minutes > 0)) throw new Error('--minutes takes a positive number');
const only = flag('--only');

const out = join(root, 'fuzz', 'out');
const log = join(out, 'runs.jsonl');
rmSync(log, { force: true });
const share = Math.floor((minutes * 60_000) / (only ? 1 : PROPERTIES));
console.log(`fuzzing ${only ? `the properties matching ${JSON.stringify(only)}` : `${PROPERTIES} properties`} for ${(share / 60_000).toFixed(1)} min each; results in ${out}`);

const jest = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--runInBand', `--testTimeout=${share * 3 + 60_000}`, ...(only ? ['-t', only] : []), ...SPECS],
  { cwd: root, stdio: 'inherit', env: { ...process.env, IO_HTTP_FUZZ_MS: String(share), IO_HTTP_FUZZ_DIR: out } },
);

const runs = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
console.log('\nproperty runs:');
for (const r of runs) console.log(`  ${r.failed ? 'FAILED' : 'ok    '} ${String(r.runs).padStart(9)}  ${r.property} (seed ${r.seed})`);
console.log(`  total ${runs.reduce((n, r) => n + r.runs, 0)} runs, ${runs.filter((r) => r.failed).length} failing properties`);
process.exit(jest.status ?? 1);
