/**
 * The documented exit codes of `io-http` (docs/cli.md), each caused for real: a closed port, a server that never
 * answers, one that answers with something that is not HTTP, a file that cannot be read or written, bad usage.
 * Each failure says what happened on stderr, and what to try.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeServer, closeServers, httpServer, rawServer } from '../support/servers';
import { runCli } from './run-cli';

afterEach(closeServers);

test('connection refused: exit 7', async () => {
  const server = await httpServer((_req, res) => res.end());
  await closeServer(server);
  const run = await runCli([server.url]);
  expect(run.code).toBe(7);
  expect(run.stderr).toMatch(/^io-http: .*ECONNREFUSED.*\n  Check the host and port, and that the server is running\.\n$/);
});

test('--timeout: a server that never answers is exit 28', async () => {
  const server = await rawServer(() => {});
  const run = await runCli([server.url, '--timeout', '0.4']);
  expect(run.code).toBe(28);
  expect(run.stderr).toBe('io-http: The total timeout of 400 ms expired\n  Give it longer with --timeout SECONDS.\n');
});

test('an answer that is not HTTP is exit 8, with the byte offset', async () => {
  const server = await rawServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
  const run = await runCli([server.url]);
  expect(run.code).toBe(8);
  expect(run.stderr).toMatch(/^io-http: Malformed HTTP input at byte 0: .*\n  The server is not answering with valid HTTP\/1\.x; see what it sends with -v\.\n$/);
});

test('a body cut short is exit 8; what arrived was written', async () => {
  const server = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
  const run = await runCli([server.url]);
  expect(run.code).toBe(8);
  expect(run.stdout.toString()).toBe('abc');
  expect(run.stderr).toMatch(/^io-http: Connection closed in the middle of the response body/);
});

test('an output file that cannot be written: exit 23', async () => {
  const server = await httpServer((_req, res) => res.end('data'));
  const path = join(mkdtempSync(join(tmpdir(), 'io-http-cli-')), 'no-such-dir', 'out');
  const run = await runCli([server.url, '-o', path]);
  expect(run.code).toBe(23);
  expect(run.stderr).toMatch(/^io-http: Could not write to .*no-such-dir\/out: .*ENOENT.*\n  Check the path and free space\.\n$/);
});

test('-d @file that cannot be read: exit 26', async () => {
  const run = await runCli(['http://127.0.0.1:9/', '-d', '@/no/such/file']);
  expect(run.code).toBe(26);
  expect(run.stderr).toMatch(/^io-http: Could not read \/no\/such\/file \(-d\): .*ENOENT/);
});

test('usage errors: exit 2, nothing sent, a message that says what is wrong', async () => {
  let requests = 0;
  const server = await httpServer((_req, res) => {
    requests++;
    res.end();
  });
  const cases: Array<[string[], RegExp]> = [
    [[], /^io-http: No URL given\.\n  Usage: io-http \[METHOD\] URL/],
    [[server.url, '--locaton'], /^io-http: Unknown option --locaton\.\n  Did you mean --location\?/],
    [[server.url, '-X', 'PUT'], /^io-http: Unknown option -X\./],
    [[server.url, '--tls', 'openssl'], /^io-http: --tls takes node or forge, not 'openssl'\./],
    [[server.url, '--timeout', 'soon'], /^io-http: --timeout takes a number of seconds above 0, not 'soon'\./],
    [[server.url, '--retry', '-1'], /^io-http: --retry takes a whole number, not '-1'\./],
    [[server.url, '-H', 'no colon'], /^io-http: -H takes 'Name: value', not 'no colon'\./],
    [[server.url, '-d', 'a', '--json', '{}'], /^io-http: -d and --json both give a body: use one\./],
    [[server.url, '--jsonl'], /^io-http: --jsonl only applies to --sse\./],
    [[server.url, '-o', 'a', '-o', 'b'], /^io-http: 2 -o for 1 URL\(s\): give one -o per URL\./],
    [['ftp://127.0.0.1/'], /^io-http: io-http speaks http: and https:, not ftp:/],
    [['http://[nonsense/'], /^io-http: 'http:\/\/\[nonsense\/' is not a URL\./],
    [[server.url, '--proxy', 'socks5://127.0.0.1:1080'], /^io-http: .*proxy/i],
    [[server.url, '-H', 'Bad Name: x'], /^io-http: .*header/i],
  ];
  for (const [args, message] of cases) {
    const run = await runCli(args);
    expect({ args, code: run.code, stdout: run.stdout.toString(), stderr: run.stderr }).toEqual({ args, code: 2, stdout: '', stderr: expect.stringMatching(message) });
  }
  expect(requests).toBe(0);
});

test('--help and --version: exit 0, on stdout', async () => {
  const help = await runCli(['--help']);
  expect(help.code).toBe(0);
  const text = help.stdout.toString();
  expect(text).toMatch(/^Usage: io-http \[METHOD\] URL\.\.\. \[options\]\n/);
  for (const name of ['--header', '--data', '--json', '--form', '--output', '--include', '--verbose', '--user', '--bearer', '--http1.0', '--tls', '--cacert', '--location', '--max-redirs', '--timeout', '--proxy', '--retry', '--compressed', '--sse', '--jsonl', '--fail', '--parallel', '--version']) {
    expect(text).toContain(name);
  }
  expect(text).toContain('Examples:\n');
  expect(text).toMatch(/Exit codes:\n(\s+\d+ {2}.+\n)+/);
  const version = await runCli(['-V']);
  const { version: packageVersion } = require('../../package.json') as { version: string };
  expect(version).toMatchObject({ code: 0, stderr: '' });
  expect(version.stdout.toString()).toBe(`io-http ${packageVersion} (node ${process.versions.node})\n`);
});
