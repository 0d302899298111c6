/**
 * Runs a fast-check property the way the environment asks:
 * - in the suite: `numRuns` runs (times IO_HTTP_FC_SCALE, if set);
 * - under `npm run fuzz` (IO_HTTP_FUZZ_MS set): as many runs as fit in that many milliseconds, from a fresh
 *   seed; the run count goes to IO_HTTP_FUZZ_DIR/runs.jsonl, and a failure's shrunk counterexample to
 *   IO_HTTP_FUZZ_DIR/failures/ (JSON, plus the raw bytes as .bin when the case has an input), before the test fails.
 */
import fc from 'fast-check';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCALE = Math.max(1, Number(process.env.IO_HTTP_FC_SCALE ?? 1) || 1);
const FUZZ_MS = Number(process.env.IO_HTTP_FUZZ_MS ?? 0) || 0;
const FUZZ_DIR = process.env.IO_HTTP_FUZZ_DIR ?? join(__dirname, '..', '..', 'fuzz', 'out');

export function assertProperty<Ts extends [unknown, ...unknown[]]>(name: string, property: fc.IProperty<Ts>, numRuns: number): void {
  if (FUZZ_MS <= 0) {
    fc.assert(property, { numRuns: numRuns * SCALE });
    return;
  }
  const seed = (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  const details = fc.check(property, { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: FUZZ_MS, markInterruptAsFailure: false, seed });
  mkdirSync(join(FUZZ_DIR, 'failures'), { recursive: true });
  const record = { property: name, seed, runs: details.numRuns, failed: details.failed, ms: FUZZ_MS };
  appendFileSync(join(FUZZ_DIR, 'runs.jsonl'), `${JSON.stringify(record)}\n`);
  if (!details.failed) return;
  const file = join(FUZZ_DIR, 'failures', `${name.replace(/[^a-z0-9]+/gi, '-')}-${seed >>> 0}`);
  const counterexample = details.counterexample ?? [];
  writeFileSync(`${file}.json`, JSON.stringify({ ...record, path: details.counterexamplePath, counterexample, error: String(details.errorInstance) }, byteStrings, 2));
  const first = counterexample[0] as { input?: unknown } | Uint8Array | undefined;
  const raw = first instanceof Uint8Array ? first : typeof first?.input === 'string' ? Buffer.from(first.input, 'latin1') : undefined;
  if (raw) writeFileSync(`${file}.bin`, raw);
  throw new Error(`${fc.defaultReportMessage(details) ?? `${name} failed`}\n${String(details.errorInstance)}`);
}

/** JSON replacer: byte arrays as byte strings, so a counterexample can be read and replayed. */
function byteStrings(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { bytes: String.fromCharCode(...value) } : value;
}
