/**
 * The API reference (`npm run docs`) documents every exported name: typedoc runs with the project's
 * typedoc.json (validation on: notDocumented, notExported, invalidLink), writing to a temporary directory, and
 * every warning it gives is listed. Warnings are collected rather than made fatal, so that one run names them all.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const typedoc = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');

/** One typedoc run: its exit status and the text of each `[warning]` or `[error]` line, colours stripped. */
function runTypedoc(out: string): { status: number | null; problems: string[] } {
  const run = spawnSync(
    process.execPath,
    [typedoc, '--out', out, '--treatWarningsAsErrors', 'false', '--treatValidationWarningsAsErrors', 'false'],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
  );
  const lines = `${run.stdout}\n${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const problems = lines
    .filter((line) => /^\[(warning|error)\]/.test(line))
    .filter((line) => !/^\[(warning|error)\] Found \d+ errors? and \d+ warnings?$/.test(line));
  return { status: run.status, problems };
}

describe('the API reference', () => {
  const out = mkdtempSync(join(tmpdir(), 'io-http-api-'));
  let run: { status: number | null; problems: string[] };

  beforeAll(() => {
    run = runTypedoc(out);
  }, 120_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('documents every exported name and public member', () => {
    const undocumented = run.problems
      .map((line) => /^\[warning\] (.+?), defined in .+, does not have any documentation$/.exec(line)?.[1])
      .filter((name) => name !== undefined);
    expect(undocumented).toEqual([]);
  });

  test('includes every type the documented names refer to', () => {
    const notIncluded = run.problems.filter((line) => line.includes('but not included in the documentation'));
    expect(notIncluded).toEqual([]);
  });

  test('builds with no other warning or error (invalid links, ...), and writes the pages', () => {
    const others = run.problems.filter(
      (line) => !line.endsWith('does not have any documentation') && !line.includes('but not included in the documentation'),
    );
    expect(others).toEqual([]);
    expect(run.status).toBe(0);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
  });
});
