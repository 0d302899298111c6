/**
 * `npm start`: the script after its build step (`npm test` has just built dist/) runs the whole demo against its
 * embedded loopback server, exits 0, and reports every step as done; `npm start -- ARGS` runs the command line.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './run-cli';

const DEMO = 'node examples/demo.mjs';
const run = (args: string[]) => promisify(execFile)(process.execPath, [join(ROOT, 'examples', 'demo.mjs'), ...args], { cwd: ROOT, timeout: 60_000 });

test("npm start's script is the build, then examples/demo.mjs", () => {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(scripts.start).toBe(`npm run build --silent && ${DEMO}`);
});

test('the demo walks through every step against its embedded server and exits 0', async () => {
  const { stdout, stderr } = await run([]);
  expect(stderr).toBe('');
  const reported = stdout.match(/^ {2}(ok|FAIL) {2,4}.+$/gm) ?? [];
  expect(reported.filter((line) => !line.startsWith('  ok'))).toEqual([]);
  for (const part of ['io-http -i', 'io-http -L -v', '-u demo:secret', '--json', '-F note=hi', '--sse --jsonl', '--timeout 0.5', '--cacert ca.pem', '-o download.bin', 'Http11Protocol', "path: '/redirect/2'", 'session.stream', 'session.events', "timeout: 300", 'tls: { ca }']) {
    expect(reported.some((line) => line.includes(part))).toBe(true);
  }
  expect(stdout).toContain(`\nAll ${reported.length} steps worked.`);
}, 90_000);

test('npm start -- ARGS runs the command line', async () => {
  const { stdout } = await run(['--version']);
  expect(stdout).toMatch(/^io-http \d+\.\d+\.\d+ \(node /);
  await expect(run(['--no-such-option'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown option --no-such-option') });
});
