/**
 * How each option of `io-http` shapes the request and where the answer goes: the real binary (dist/bin) against
 * node:http servers on 127.0.0.1.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { forwardingProxy } from '../support/proxy';
import { closeServers, echoRequest, httpServer, type Echo } from '../support/servers';
import { runCli } from './run-cli';

afterEach(closeServers);

const dir = mkdtempSync(join(tmpdir(), 'io-http-cli-'));

/** echoRequest, with the HTTP version the server read in `X-Http-Version`. */
const echoServer = () =>
  httpServer((req, res) => {
    res.setHeader('X-Http-Version', req.httpVersion);
    return echoRequest(req, res);
  });

const echoOf = (stdout: Buffer): Echo => JSON.parse(stdout.toString('utf8')) as Echo;

test('GET: the body goes to stdout byte for byte, nothing to stderr', async () => {
  const bytes = Buffer.from(Array.from({ length: 256 * 4 }, (_, i) => i % 256));
  const server = await httpServer((_req, res) => res.end(bytes));
  const run = await runCli([`${server.url}bin`]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout.equals(bytes)).toBe(true);
});

test('METHOD before the URL, -H repeated (and attached to its letter), a URL without a scheme', async () => {
  const server = await echoServer();
  const run = await runCli(['DELETE', `127.0.0.1:${server.port}/items/7?x=1`, '-H', 'X-One: 1', '-HX-Two:2', '--header=X-Three: three']);
  expect(run.code).toBe(0);
  const echo = echoOf(run.stdout);
  expect(echo).toMatchObject({ method: 'DELETE', url: '/items/7?x=1' });
  expect(echo.headers).toMatchObject({ 'x-one': '1', 'x-two': '2', 'x-three': 'three', accept: '*/*' });
  expect(echo.headers['user-agent']).toMatch(/^io-http\//);
});

describe('-d', () => {
  test('DATA, @file and - (stdin), joined with & as a form POST', async () => {
    const server = await echoServer();
    const file = join(dir, 'data.txt');
    writeFileSync(file, 'b=2\n');
    const run = await runCli([server.url, '-d', 'a=1', '-d', `@${file}`, '-d', '-'], { input: 'c=3' });
    expect(run.code).toBe(0);
    const echo = echoOf(run.stdout);
    expect(echo).toMatchObject({ method: 'POST', body: 'a=1&b=2\n&c=3' });
    expect(echo.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', 'content-length': '12' });
  });

  test('a Content-Type of -H wins; a METHOD wins over POST', async () => {
    const server = await echoServer();
    const run = await runCli(['PUT', server.url, '-d', 'plain text', '-H', 'content-type: text/plain']);
    const echo = echoOf(run.stdout);
    expect(echo).toMatchObject({ method: 'PUT', body: 'plain text' });
    expect(echo.headers['content-type']).toBe('text/plain');
  });
});

describe('--json', () => {
  test('DATA is sent as JSON with Content-Type and Accept', async () => {
    const server = await echoServer();
    const run = await runCli([server.url, '--json', '{"name": "io-http", "n": [1, 2]}']);
    expect(run.code).toBe(0);
    const echo = echoOf(run.stdout);
    expect(echo.method).toBe('POST');
    expect(JSON.parse(echo.body)).toEqual({ name: 'io-http', n: [1, 2] });
    expect(echo.headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json' });
  });

  test('@file; text that is not JSON is a usage error and nothing is sent', async () => {
    const server = await echoServer();
    const file = join(dir, 'body.json');
    writeFileSync(file, '[true, null]');
    expect(JSON.parse(echoOf((await runCli([server.url, '--json', `@${file}`])).stdout).body)).toEqual([true, null]);

    let requests = 0;
    server.server.on('request', () => requests++);
    const bad = await runCli([server.url, '--json', '{name: 1}']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^io-http: --json takes JSON text: .+\n  Quote it for the shell/);
    expect(requests).toBe(0);
  });
});

describe('-F', () => {
  test('fields and a file (name=@file) as multipart/form-data, the file sent as it is', async () => {
    let received = { type: '', length: '', body: Buffer.alloc(0) };
    const server = await httpServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received = { type: req.headers['content-type']!, length: req.headers['content-length']!, body: Buffer.concat(chunks) };
      res.end(req.method);
    });
    const file = join(dir, 'upload.bin');
    const content = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251));
    writeFileSync(file, content);
    const run = await runCli([server.url, '-F', 'title=a report', '-F', `file=@${file}`, '-F', 'n=2']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.toString()).toBe('POST');
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(received.type)![1];
    const expected = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\na report\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="upload.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="n"\r\n\r\n2\r\n--${boundary}--\r\n`),
    ]);
    expect(received.length).toBe(String(expected.length));
    expect(received.body.equals(expected)).toBe(true);
  });

  test('a file that cannot be read: exit 26, nothing sent', async () => {
    const server = await echoServer();
    let requests = 0;
    server.server.on('request', () => requests++);
    const run = await runCli([server.url, '-F', `file=@${join(dir, 'missing.bin')}`]);
    expect(run.code).toBe(26);
    expect(run.stderr).toMatch(/^io-http: Could not read .*missing\.bin \(-F\): .*ENOENT.*\n  Check the file name/);
    expect(requests).toBe(0);
  });
});

test('-u user:pass sends Basic credentials; --bearer a token; -v shows neither', async () => {
  const server = await echoServer();
  const basic = await runCli([server.url, '-u', 'alice:s3cr:et', '-v']);
  expect(echoOf(basic.stdout).headers.authorization).toBe(`Basic ${Buffer.from('alice:s3cr:et').toString('base64')}`);
  expect(basic.stderr).toContain('> Authorization: Basic ***\n');
  expect(basic.stderr).not.toContain(Buffer.from('alice:s3cr:et').toString('base64'));

  const bearer = await runCli([server.url, '--bearer', 'tok-123', '-v', '-H', 'Cookie: session=abc']);
  expect(echoOf(bearer.stdout).headers).toMatchObject({ authorization: 'Bearer tok-123', cookie: 'session=abc' });
  expect(bearer.stderr).toContain('> Authorization: Bearer ***\n');
  expect(bearer.stderr).toContain('> Cookie: ***\n');
  expect(bearer.stderr).not.toMatch(/tok-123|session=abc/);
});

test('-v: the request head as written and the response head, on stderr; stdout has the body only', async () => {
  const server = await httpServer((_req, res) => {
    res.setHeader('Set-Cookie', 'id=secret-cookie');
    res.end('body');
  });
  const run = await runCli([`${server.url}path?q=1`, '-v']);
  expect(run.stdout.toString()).toBe('body');
  expect(run.stderr).toMatch(/^> GET \/path\?q=1 HTTP\/1\.1\n> Host: 127\.0\.0\.1:\d+\n(> .+\n)+>\n< HTTP\/1\.1 200 OK\n(< .+\n)+<\n\* 200 OK: 4 bytes in \d+ ms\n$/);
  expect(run.stderr).toContain('< Set-Cookie: ***\n');
  expect(run.stderr).toContain('< Content-Length: 4\n');
});

test('--http1.0 speaks HTTP/1.0', async () => {
  const server = await echoServer();
  const run = await runCli([server.url, '--http1.0', '-i']);
  expect(run.stdout.toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(run.stdout.toString()).toContain('X-Http-Version: 1.0\r\n');
});

test('compression: asked for and decoded by default (--compressed), not with --no-compressed', async () => {
  const gzipped = gzipSync('decoded text');
  const server = await httpServer((req, res) => {
    res.setHeader('X-Accept-Encoding', String(req.headers['accept-encoding']));
    res.setHeader('Content-Encoding', 'gzip');
    res.end(gzipped);
  });
  const plain = await runCli([server.url]);
  expect(plain.stdout.toString()).toBe('decoded text');
  const asked = await runCli([server.url, '--compressed', '-i']);
  expect(asked.stdout.toString()).toMatch(/X-Accept-Encoding: gzip, deflate, br\r\n[^]*\r\n\r\ndecoded text$/);
  const raw = await runCli([server.url, '--no-compressed', '-i']);
  expect(raw.stdout.toString('latin1')).toContain('X-Accept-Encoding: undefined\r\n');
  expect(raw.stdout.subarray(raw.stdout.indexOf('\r\n\r\n') + 4).equals(gzipped)).toBe(true);
});

test('-i writes the response head (CRLF lines, a blank line) before the body', async () => {
  const server = await httpServer((_req, res) => {
    res.writeHead(201, 'Made', { 'X-Thing': 'a' });
    res.end('hi');
  });
  const run = await runCli([server.url, '-i']);
  expect(run.stdout.toString()).toMatch(/^HTTP\/1\.1 201 Made\r\nX-Thing: a\r\n(.+\r\n)*\r\nhi$/);
});

test('-o FILE: the body goes to the file; with several URLs, one -o each in order, the rest to stdout', async () => {
  const server = await httpServer((req, res) => res.end(`body of ${req.url}`));
  const a = join(dir, 'a.out');
  const run = await runCli([`${server.url}a`, '-o', a, `${server.url}b`]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(readFileSync(a, 'utf8')).toBe('body of /a');
  expect(run.stdout.toString()).toBe('body of /b');
});

describe('redirects', () => {
  const chain = () =>
    httpServer((req, res) => {
      const n = Number(req.url!.slice(1));
      if (n > 0) res.writeHead(302, { Location: `/${n - 1}` }).end(`go to ${n - 1}`);
      else res.end('arrived');
    });

  test('not followed without -L: the 3xx is the answer, and stderr says how to follow it', async () => {
    const server = await chain();
    const run = await runCli([`${server.url}2`]);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout.toString()).toBe('go to 1');
    expect(run.stderr).toBe('io-http: 302 Found: redirected to /1 (add -L to follow)\n');
  });

  test('-L follows; --max-redirs bounds it (exit 47)', async () => {
    const server = await chain();
    const followed = await runCli([`${server.url}3`, '-L']);
    expect(followed).toMatchObject({ code: 0, stderr: '' });
    expect(followed.stdout.toString()).toBe('arrived');
    const bounded = await runCli([`${server.url}3`, '-L', '--max-redirs', '2']);
    expect(bounded.code).toBe(47);
    expect(bounded.stdout.length).toBe(0);
    expect(bounded.stderr).toMatch(/^io-http: .*redirect.*\n  Raise the limit with --max-redirs N/i);
  });
});

test('--retry N sends again after a 503, up to N times', async () => {
  let requests = 0;
  const server = await httpServer((_req, res) => {
    requests++;
    if (requests < 3) res.writeHead(503, { 'Retry-After': '0' }).end('busy');
    else res.end('third time');
  });
  const run = await runCli([server.url, '--retry', '2', '-v']);
  expect(run.code).toBe(0);
  expect(run.stdout.toString()).toBe('third time');
  expect(requests).toBe(3);
  expect(run.stderr).toContain('after 2 retries (503, 503, 200)');

  requests = 0;
  const none = await runCli([server.url]);
  expect(none.stdout.toString()).toBe('busy');
  expect(requests).toBe(1);
});

test('--proxy URL: an http: URL is sent to the proxy in absolute form', async () => {
  const server = await echoServer();
  const proxy = await forwardingProxy();
  const run = await runCli([`${server.url}via`, '--proxy', proxy.url]);
  expect(run.code).toBe(0);
  expect(echoOf(run.stdout).url).toBe('/via');
  expect(proxy.requests.map((r) => r.target)).toEqual([`${server.url}via`]);
});

test('--fail: a status of 400 or more is exit 22 with no body; without it, exit 0 and the body', async () => {
  const server = await httpServer((_req, res) => res.writeHead(404).end('no such page'));
  const failed = await runCli([server.url, '--fail']);
  expect(failed.code).toBe(22);
  expect(failed.stdout.length).toBe(0);
  expect(failed.stderr).toBe(`io-http: The server answered 404 Not Found to ${server.url}.\n  Leave out --fail to see the body of the answer.\n`);
  const plain = await runCli([server.url]);
  expect(plain).toMatchObject({ code: 0, stderr: '' });
  expect(plain.stdout.toString()).toBe('no such page');
});

describe('several URLs', () => {
  /** /a answers once /b has arrived, or after 3 s (`waitedOut`): sent one at a time, /a would wait it out. */
  const waitingServer = () => {
    let arrivedB: () => void;
    const b = new Promise<void>((resolve) => (arrivedB = resolve));
    const seen = { order: [] as string[], waitedOut: false };
    const handler: http.RequestListener = async (req, res) => {
      seen.order.push(req.url!);
      if (req.url === '/b') arrivedB();
      else {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([b, new Promise<void>((resolve) => (timer = setTimeout(() => {
          seen.waitedOut = true;
          resolve();
        }, 3000)))]);
        clearTimeout(timer);
      }
      res.end(`[${req.url}]`);
    };
    return { seen, handler };
  };

  test('--parallel sends them together; the bodies come out in URL order', async () => {
    const { seen, handler } = waitingServer();
    const server = await httpServer(handler);
    const run = await runCli(['--parallel', `${server.url}a`, `${server.url}b`]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.toString()).toBe('[/a][/b]');
    expect(seen).toEqual({ order: ['/a', '/b'], waitedOut: false });
  });

  test('without --parallel, one after the other; the exit code is the first failure', async () => {
    const server = await httpServer((req, res) => res.writeHead(req.url === '/missing' ? 404 : 200).end(`[${req.url}]`));
    const run = await runCli([`${server.url}a`, `${server.url}missing`, `${server.url}c`, '--fail']);
    expect(run.code).toBe(22);
    expect(run.stdout.toString()).toBe('[/a][/c]');
    expect(run.stderr).toContain(`io-http: ${server.url}missing: The server answered 404`);
  });
});
