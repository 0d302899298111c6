import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

// The examples run against the built package (`npm test` builds first), as a user would run them. demo.mjs
// (npm start) has its own test: spec/cli/demo.spec.ts.
const root = join(__dirname, '..', '..');
const run = async (name: string): Promise<string> =>
  (await promisify(execFile)(process.execPath, [join('examples', name)], { cwd: root, timeout: 20_000 })).stdout;

test('session.mjs: send, JSON, uploads, redirect, stream, events', async () => {
  const out = await run('session.mjs');
  expect(out).toContain('POST json    -> POST /echo?dryRun=true application/json, 12 bytes');
  expect(out).toMatch(/POST form    -> POST \/echo multipart\/form-data, \d+ bytes/);
  expect(out).toContain("typo         -> ERR_UNKNOWN_OPTION: Unknown option 'pth' for a request: did you mean 'path'?");
  expect(out).toContain('GET /old     -> 200 Hello from node:http (via 301)');
  expect(out).toContain('GET /count   -> 200, 3 pieces: "1 2 3 "');
  expect(out).toContain('event        -> update #2: second');
  expect(out).toContain('SSE          -> stopped after 2 connections');
});

test('custom-transport.mjs: a decorator adapter and a registered scheme', async () => {
  const out = await run('custom-transport.mjs');
  expect(out).toContain('counting adapter: you asked for /a / you asked for /b');
  expect(out).toMatch(/connection closed: \d+ bytes sent, \d+ received/);
  expect(out).toContain('mem: scheme    : in-memory hi!');
});

test('custom-protocol.mjs: a protocol subclass given to a session', async () => {
  expect(await run('custom-protocol.mjs')).toContain('device says: temp=21.5 C');
});

test('recipes.mjs: the recipes of docs/README.md, as written', async () => {
  const out = await run('recipes.mjs');
  expect(out).toContain('JSON API   -> GET /v1/items?limit=10&tag=new (Bearer token-1)');
  expect(out).toContain('JSON body  -> application/json, 12 bytes');
  expect(out).toContain('FormData   -> multipart/form-data, 1277 bytes');
  expect(out).toContain('download   -> 262144 / 262144 bytes');
  expect(out).toContain('event      -> done');
  expect(out).toContain('replayed   -> /v1/hello (server already closed)');
});
