/**
 * The package as a user gets it: `npm pack` (of the dist `npm test` has just built), installed from the tarball into
 * an empty project, then used with `import` and with `require` against a loopback server. The same tarball must
 * pass publint and @arethetypeswrong/cli, ship its LICENSE, and carry source maps whose sources are inside them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { closeServers, httpServer, type LoopbackServer } from '../support/servers';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);

let work: string;
let tarball: string;
let app: string;
let server: LoopbackServer;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'io-http-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root });
  tarball = join(work, (JSON.parse(stdout) as Array<{ filename: string }>)[0].filename);
  app = join(work, 'app');
  await run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  // node-forge, the one dependency, is in the npm cache from the project's own install.
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: app });
  server = await httpServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`hello ${req.method} ${req.url}`);
  });
}, 180_000);

afterAll(async () => {
  await closeServers();
  rmSync(work, { recursive: true, force: true });
});

test('an installed tarball works with import', async () => {
  const code = `import { Session, HttpError } from 'io-http';
    import { SseParser } from 'io-http/core';
    const session = new Session(process.argv[1]);
    const response = await session.send({ path: '/esm' });
    console.log(response.status, response.text(), typeof SseParser, typeof HttpError);
    await session.close();`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code, server.url], { cwd: app });
  expect(stdout.trim()).toBe('200 hello GET /esm function function');
});

test('an installed tarball works with require', async () => {
  const code = `const { Session } = require('io-http');
    const { InMemoryFactory } = require('io-http/adapters/in-memory');
    (async () => {
      const session = new Session(process.argv[1]);
      const response = await session.send({ path: '/cjs' });
      console.log(response.status, response.text(), typeof InMemoryFactory);
      await session.close();
    })();`;
  const { stdout } = await run(process.execPath, ['-e', code, server.url], { cwd: app });
  expect(stdout.trim()).toBe('200 hello GET /cjs function');
});

test('an installed tarball gives the io-http command', async () => {
  const { stdout } = await run(join(app, 'node_modules', '.bin', 'io-http'), ['--version'], { cwd: app });
  expect(stdout).toContain(`io-http ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version} `);
});

test('the tarball ships its LICENSE and self-contained source maps', () => {
  const installed = join(app, 'node_modules', 'io-http');
  expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toContain('MIT License');
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  expect(pkg.repository.url).toMatch(/^git\+https:\/\//);
  expect(typeof pkg.homepage).toBe('string');
  expect(typeof pkg.bugs.url).toBe('string');
  const maps = readdirSync(join(installed, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.map'));
  expect(maps.length).toBeGreaterThan(10);
  for (const file of maps) {
    const map = JSON.parse(readFileSync(join(installed, 'dist', file), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
    expect({ file, missing: map.sources.filter((_, i) => typeof map.sourcesContent?.[i] !== 'string') }).toEqual({ file, missing: [] });
  }
});

test('publint finds nothing to say', async () => {
  const { stdout } = await run(bin('publint'), ['run', '--strict', join(app, 'node_modules', 'io-http')], { cwd: root });
  expect(stdout).toContain('All good!');
}, 60_000);

test('@arethetypeswrong/cli finds no problem in the tarball', async () => {
  const { stdout } = await run(bin('attw'), [tarball, '--format', 'ascii'], { cwd: root });
  expect(stdout).toContain('No problems found');
}, 60_000);
