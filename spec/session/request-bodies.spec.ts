import { createHash } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import type * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../lib/message/errors';
import { ReplayableBody } from '../../lib/session/replayable-body';
import { Session } from '../../lib/session/session';
import { rejection } from '../support/failures';
import { closeServers, httpServer, rawServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { until } from '../support/time';

afterEach(closeServers);

/** A request as a node:http server received it: head fields and the body's bytes. */
interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A node:http server that records every request whole, answering 200 (or what `answer` says). */
async function recordingServer(answer?: (received: Received, res: http.ServerResponse) => boolean) {
  const seen: Received[] = [];
  const server = await httpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const received = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
    seen.push(received);
    if (answer?.(received, res)) return;
    res.end('ok');
  });
  return { ...server, seen };
}

/** The entries of a multipart body, parsed by undici's parser (fetch's `Request.formData()`). */
function parseForm(received: Received): Promise<FormData> {
  return new Request('http://parser.test/', {
    method: 'POST',
    headers: { 'content-type': received.headers['content-type']! },
    body: received.body,
  }).formData();
}

async function sendBody(body: unknown, extra: Record<string, unknown> = {}) {
  const server = await recordingServer();
  await using session = new Session(server.origin, { transport: tcp });
  const response = await session.send({ method: 'POST', path: '/in', body: body as never, ...extra });
  expect(response.status).toBe(200);
  expect(server.seen).toHaveLength(1);
  return server.seen[0];
}

/**
 * A file of `total` bytes made as it is read (64 KiB pieces), that counts what was read, says whether its stream
 * was cancelled, and cannot be read whole at once.
 */
function probeFile(total: number) {
  const piece = 64 * 1024;
  const probe = { pulled: 0, cancelled: false, file: undefined as unknown as File };
  class ProbeFile extends File {
    constructor() {
      super([], 'probe.bin', { type: 'application/octet-stream' });
      Object.defineProperty(this, 'size', { value: total }); // File's own size is a read-only accessor
    }
    override stream(): ReadableStream<Uint8Array> {
      return new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (probe.pulled === total) return controller.close();
            controller.enqueue(new Uint8Array(piece).fill(probe.pulled / piece));
            probe.pulled += piece;
          },
          cancel() {
            probe.cancelled = true;
          },
        },
        { highWaterMark: 0 },
      );
    }
    override arrayBuffer(): Promise<ArrayBuffer> {
      throw new Error('the file was read whole');
    }
  }
  probe.file = new ProbeFile();
  return probe;
}

describe('request bodies: each kind with its Content-Type and length', () => {
  test('a string: UTF-8, text/plain;charset=UTF-8, Content-Length', async () => {
    const got = await sendBody('héllo');
    expect(got.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(got.headers['content-length']).toBe('6');
    expect(got.headers['transfer-encoding']).toBeUndefined();
    expect(got.body.toString('utf8')).toBe('héllo');
  });

  test('bytes: a Uint8Array, a view at an offset of a larger buffer, a DataView, an ArrayBuffer; no Content-Type', async () => {
    const backing = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const [body, expected] of [
      [new Uint8Array([1, 2, 3]), [1, 2, 3]],
      [new Uint8Array(backing.buffer, 2, 3), [2, 3, 4]],
      [new Uint16Array(backing.buffer, 4, 2), [4, 5, 6, 7]],
      [new DataView(backing.buffer, 7, 3), [7, 8, 9]],
      [backing.buffer.slice(1, 4), [1, 2, 3]],
      [Buffer.from('xy'), [0x78, 0x79]],
    ] as const) {
      const got = await sendBody(body);
      expect([...got.body]).toEqual(expected);
      expect(got.headers['content-length']).toBe(String(expected.length));
      expect(got.headers['content-type']).toBeUndefined();
    }
  });

  test("a Blob: its type as Content-Type (none when it has none), its size as Content-Length", async () => {
    const typed = await sendBody(new Blob(['{"a":', '1}'], { type: 'application/json' }));
    expect(typed.headers['content-type']).toBe('application/json');
    expect(typed.headers['content-length']).toBe('7');
    expect(typed.headers['transfer-encoding']).toBeUndefined();
    expect(typed.body.toString()).toBe('{"a":1}');

    const untyped = await sendBody(new Blob([new Uint8Array([9, 8, 7])]));
    expect(untyped.headers['content-type']).toBeUndefined();
    expect([...untyped.body]).toEqual([9, 8, 7]);

    const empty = await sendBody(new Blob([]));
    expect(empty.headers['content-length']).toBe('0');
    expect(empty.body.length).toBe(0);
  });

  test('URLSearchParams: application/x-www-form-urlencoded;charset=UTF-8', async () => {
    const got = await sendBody(new URLSearchParams([['q', 'a b&c'], ['é', '1']]));
    expect(got.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(got.body.toString()).toBe('q=a+b%26c&%C3%A9=1');
    expect(got.headers['content-length']).toBe(String(got.body.length));
  });

  test('a ReadableStream and an async iterable: chunked, pieces as given', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('ab'));
        controller.enqueue(new TextEncoder().encode('cd'));
        controller.close();
      },
    });
    const fromStream = await sendBody(stream);
    expect(fromStream.headers['transfer-encoding']).toBe('chunked');
    expect(fromStream.headers['content-length']).toBeUndefined();
    expect(fromStream.headers['content-type']).toBeUndefined();
    expect(fromStream.body.toString()).toBe('abcd');

    async function* pieces() {
      yield new TextEncoder().encode('x');
      yield new TextEncoder().encode('yz');
    }
    const fromIterable = await sendBody(pieces());
    expect(fromIterable.headers['transfer-encoding']).toBe('chunked');
    expect(fromIterable.body.toString()).toBe('xyz');
  });

  test("a Content-Type set by the request wins over the body's", async () => {
    const got = await sendBody('<a/>', { headers: { 'content-type': 'application/xml' } });
    expect(got.headers['content-type']).toBe('application/xml');
    const form = new FormData();
    form.set('a', '1');
    const multipart = await sendBody(form, { headers: { 'Content-Type': 'text/plain' } });
    expect(multipart.headers['content-type']).toBe('text/plain');
  });

  test("the body's Content-Type replaces the session's; a body that implies none leaves the session's", async () => {
    const server = await recordingServer();
    await using session = new Session(server.origin, { transport: tcp, headers: { 'content-type': 'application/json' } });
    await session.send({ method: 'POST', body: new URLSearchParams({ a: '1' }) });
    await session.send({ method: 'POST', body: new Uint8Array([0x7b, 0x7d]) });
    expect(server.seen.map((s) => s.headers['content-type'])).toEqual(['application/x-www-form-urlencoded;charset=UTF-8', 'application/json']);
  });

  test('json: serialised, application/json, Content-Length; with body it is a UsageError', async () => {
    const got = await sendBody(undefined, { json: { a: [1, 'é'], b: null } });
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.body.toString()).toBe('{"a":[1,"é"],"b":null}');
    expect(got.headers['content-length']).toBe(String(got.body.length));
    const falsy = await sendBody(undefined, { json: 0 });
    expect(falsy.body.toString()).toBe('0');

    const server = await recordingServer();
    await using session = new Session(server.origin, { transport: tcp });
    for (const [options, code] of [
      [{ json: { a: 1 }, body: 'x' }, 'ERR_INVALID_OPTION'],
      [{ json: { big: 1n } }, 'ERR_INVALID_BODY'],
      [{ json: () => 1 }, 'ERR_INVALID_BODY'],
    ] as const) {
      const error = await rejection(session.send({ method: 'POST', ...options }));
      expect(error).toBeInstanceOf(UsageError);
      expect(error.code).toBe(code);
    }
    expect(server.sockets).toHaveLength(0);
  });

  test('a body of no supported kind, or a locked stream, fails before any connection', async () => {
    const server = await recordingServer();
    await using session = new Session(server.origin, { transport: tcp });
    const locked = new ReadableStream();
    locked.getReader();
    for (const body of [42, { a: 1 }, null, [new Uint8Array(1)], locked]) {
      const error = await rejection(session.send({ method: 'POST', body: body as never }));
      expect(error).toBeInstanceOf(UsageError);
      expect(error.code).toBe('ERR_INVALID_BODY');
    }
    expect(server.sockets).toHaveLength(0);
  });

  test('a Content-Length set by hand that is not the Blob size is refused', async () => {
    const server = await recordingServer();
    await using session = new Session(server.origin, { transport: tcp });
    const error = await rejection(session.send({ method: 'POST', body: new Blob(['abc']), headers: { 'content-length': '4' } }));
    expect(error.code).toBe('ERR_INVALID_REQUEST');
    const ok = await session.send({ method: 'POST', body: new Blob(['abc']), headers: { 'content-length': '3' } });
    expect(ok.status).toBe(200);
    expect(server.seen[0].body.toString()).toBe('abc');
  });
});

describe('FormData: multipart/form-data', () => {
  /** Entries whose names, values and filenames need the WHATWG escaping and line break rules. */
  function awkwardForm(): FormData {
    const form = new FormData();
    form.append('plain', 'value');
    form.append('quote"d\nname\r', 'line1\nline2\rline3\r\nline4');
    form.append('plain', 'second value, same name');
    form.append('file', new File(['file bytes \x00\xff'], 'a "quoted"\nname.txt', { type: 'text/plain' }));
    form.append('untyped', new Blob([new Uint8Array([0, 1, 2, 255])]));
    form.append('ünïcode', new File(['é'], 'ファイル.bin'));
    return form;
  }

  test('parsed back by undici: every entry, escaped names and filenames, CRLF line breaks, types', async () => {
    const got = await sendBody(awkwardForm());
    const type = got.headers['content-type']!;
    expect(type).toMatch(/^multipart\/form-data; boundary=----io-http-[0-9a-f]{24}$/);
    expect(got.headers['content-length']).toBe(String(got.body.length));
    expect(got.headers['transfer-encoding']).toBeUndefined();
    const text = got.body.toString('utf8');
    expect(text).toContain('Content-Disposition: form-data; name="quote%22d%0D%0Aname%0D%0A"\r\n\r\nline1\r\nline2\r\nline3\r\nline4\r\n');
    expect(text).toContain('Content-Disposition: form-data; name="file"; filename="a %22quoted%22%0Aname.txt"\r\nContent-Type: text/plain\r\n\r\n');

    const parsed = await parseForm(got);
    const entries = [...parsed].map(([name, value]) => [name, typeof value === 'string' ? value : { name: value.name, type: value.type }]);
    expect(entries).toEqual([
      ['plain', 'value'],
      // A name's line breaks became CRLF; undici's parser undoes the %0A, %0D and %22 escapes.
      ['quote"d\r\nname\r\n', 'line1\r\nline2\r\nline3\r\nline4'],
      ['plain', 'second value, same name'],
      ['file', { name: 'a "quoted"\nname.txt', type: 'text/plain' }],
      ['untyped', { name: 'blob', type: 'application/octet-stream' }],
      ['ünïcode', { name: 'ファイル.bin', type: 'application/octet-stream' }],
    ]);
    expect(Buffer.from(await (parsed.get('file') as File).arrayBuffer()).toString('latin1')).toBe(Buffer.from('file bytes \x00\xff').toString('latin1'));
    expect([...new Uint8Array(await (parsed.get('untyped') as File).arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  test("the bytes are undici's own encoding of the same form, but for the boundary", async () => {
    const got = await sendBody(awkwardForm());
    const ours = got.headers['content-type']!.split('boundary=')[1];
    const reference = new Request('http://encoder.test/', { method: 'POST', body: awkwardForm() });
    const theirs = reference.headers.get('content-type')!.split('boundary=')[1];
    const expected = Buffer.from(await reference.arrayBuffer()).toString('latin1').replaceAll(theirs, ours);
    expect(got.body.toString('latin1')).toBe(expected);
  });

  test('two forms get different boundaries; a form of strings only is one array with a Content-Length', async () => {
    const form = new FormData();
    form.set('a', '1');
    const first = await sendBody(form);
    const second = await sendBody(form);
    expect(first.headers['content-type']).not.toBe(second.headers['content-type']);
    expect(first.headers['content-length']).toBe(String(first.body.length));
    expect([...(await parseForm(first))]).toEqual([['a', '1']]);
    const empty = await sendBody(new FormData());
    expect([...(await parseForm(empty))]).toEqual([]);
  });

  test('a file on disk (openAsBlob) is streamed from it: 6 MiB arrive whole and equal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'io-http-form-'));
    const path = join(dir, 'big.bin');
    const content = Buffer.alloc(6 * 1024 * 1024);
    for (let i = 0; i < content.length; i += 4) content.writeUInt32LE(i, i);
    await writeFile(path, content);
    const form = new FormData();
    form.append('note', 'the file follows');
    form.append('upload', await openAsBlob(path, { type: 'application/octet-stream' }), 'big.bin');
    const got = await sendBody(form);
    expect(got.headers['content-length']).toBe(String(got.body.length));
    const parsed = await parseForm(got);
    const file = parsed.get('upload') as File;
    expect(file.name).toBe('big.bin');
    const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    expect(digest(new Uint8Array(await file.arrayBuffer()))).toBe(digest(content));
    expect(parsed.get('note')).toBe('the file follows');
  });

  test('a 64 MiB file part is read as it is sent, not whole before: what was read never runs far ahead of what arrived', async () => {
    const total = 64 * 1024 * 1024;
    const probe = probeFile(total);
    let received = 0;
    let lead = 0;
    const server = await httpServer(async (req, res) => {
      for await (const chunk of req) {
        received += (chunk as Buffer).length;
        lead = Math.max(lead, probe.pulled - received);
      }
      res.end(String(received));
    });
    const form = new FormData();
    form.append('probe', probe.file);
    expect(form.get('probe')).toBe(probe.file); // FormData kept the file itself, not a copy of it
    await using session = new Session(server.origin, { transport: tcp });
    const response = await session.send({ method: 'POST', body: form });
    expect(probe.pulled).toBe(total);
    expect(Number(response.text())).toBeGreaterThan(total);
    // Socket buffers on both sides hold a few MiB (about 5 seen on Linux loopback); a file read whole first would
    // lead by all 64.
    expect(lead).toBeLessThan(16 * 1024 * 1024);
  });

  test("a response before the form is sent stops the upload and cancels the file's stream", async () => {
    const probe = probeFile(32 * 1024 * 1024);
    const server = await rawServer(async (socket, reader) => {
      if (!(await reader.head())) return;
      socket.write('HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\nContent-Length: 8\r\n\r\ntoo big!');
      socket.pause(); // reads nothing more: the client's writes back up
      socket.end();
    });
    const form = new FormData();
    form.append('probe', probe.file);
    await using session = new Session(server.origin, { transport: tcp });
    const response = await session.send({ method: 'POST', body: form });
    expect([response.status, response.text()]).toEqual([413, 'too big!']);
    await until(() => probe.cancelled);
    expect(probe.pulled).toBeLessThan(32 * 1024 * 1024);
  });
});

describe('bodies that can be sent again', () => {
  test('a FormData with a file and a Blob are sent again after a 307 and on a retry; a ReadableStream is not', async () => {
    let first = true;
    const server = await recordingServer((received, res) => {
      if (received.url === '/redirect') {
        res.writeHead(307, { location: '/target' }).end();
        return true;
      }
      if (received.url === '/flaky' && first) {
        first = false;
        res.writeHead(503).end();
        return true;
      }
      return false;
    });
    await using session = new Session(server.origin, { transport: tcp, retry: { limit: 1, methods: ['POST'], backoff: { initial: 1 } } });
    const form = new FormData();
    form.append('f', new File(['content'], 'f.txt'));
    await session.send({ method: 'POST', path: '/redirect', body: form });
    const [redirected, target] = server.seen;
    expect(target.url).toBe('/target');
    expect(target.body.equals(redirected.body)).toBe(true);
    expect(target.headers['content-type']).toBe(redirected.headers['content-type']);
    expect((await parseForm(target)).get('f')).toBeInstanceOf(File);

    const retried = await session.send({ method: 'POST', path: '/flaky', body: new Blob(['again']) });
    expect(retried.attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(server.seen.slice(2).map((s) => s.body.toString())).toEqual(['again', 'again']);

    const stream = new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array([1])), c.close()) });
    const error = await rejection(session.send({ method: 'POST', path: '/redirect', body: stream }));
    expect(error.code).toBe('ERR_REDIRECT_BODY_NOT_REPLAYABLE');
  });

  test('a ReplayableBody of your own: sent with its length, and again after a 308', async () => {
    let opened = 0;
    const server = await recordingServer((received, res) => {
      if (received.url !== '/moved') return false;
      res.writeHead(308, { location: '/here' }).end();
      return true;
    });
    await using session = new Session(server.origin, { transport: tcp });
    const body = new ReplayableBody(6, async function* () {
      opened++;
      yield new TextEncoder().encode('abc');
      yield new TextEncoder().encode('def');
    });
    await session.send({ method: 'PUT', path: '/moved', body });
    expect(opened).toBe(2);
    expect(server.seen.map((s) => [s.url, s.headers['content-length'], s.headers['transfer-encoding'], s.body.toString()])).toEqual([
      ['/moved', '6', undefined, 'abcdef'],
      ['/here', '6', undefined, 'abcdef'],
    ]);
  });

  test('a ReadableStream that gives something else than bytes fails with ERR_INVALID_BODY', async () => {
    const server = await recordingServer();
    await using session = new Session(server.origin, { transport: tcp });
    const stream = new ReadableStream({ start: (c) => (c.enqueue('text'), c.close()) });
    const error = await rejection(session.send({ method: 'POST', body: stream as never }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('ERR_INVALID_BODY');
  });

  test('HTTP/1.0: a Blob and a FormData with files go with their Content-Length (no chunked needed)', async () => {
    const server = await recordingServer();
    await using session = new Session(server.origin, { transport: tcp, version: '1.0' });
    await session.send({ method: 'POST', body: new Blob(['ten bytes!']) });
    const form = new FormData();
    form.append('f', new Blob(['x']), 'x.bin');
    await session.send({ method: 'POST', body: form });
    expect(server.seen[0].headers['content-length']).toBe('10');
    expect(server.seen[0].body.toString()).toBe('ten bytes!');
    expect(server.seen[1].headers['content-length']).toBe(String(server.seen[1].body.length));
    expect((await parseForm(server.seen[1])).get('f')).toBeInstanceOf(File);
  });
});

describe('query and url', () => {
  test('query merges into the URL: its names replace, other parameters stay as written, lists repeat, undefined is left out', async () => {
    const server = await recordingServer();
    await using session = new Session(`${server.origin}/api/?key=k`, { transport: tcp });
    await session.send({ path: 'items?page=1&raw=a%20b&flag', query: { page: 2, q: 'a b/é', tag: ['x', 'y'], skip: undefined, on: true } });
    await session.send({ query: new URLSearchParams([['key', 'replaced']]) });
    await session.send({ path: 'x', query: {} });
    expect(server.seen.map((s) => s.url)).toEqual([
      '/api/items?raw=a%20b&flag&page=2&q=a+b%2F%C3%A9&tag=x&tag=y&on=true',
      '/api/?key=replaced',
      '/api/x',
    ]);
  });

  test('a query value that is not a string, number or boolean is a UsageError', async () => {
    await using session = new Session('http://127.0.0.1:9/', { transport: tcp });
    for (const query of [{ a: null }, { a: { b: 1 } }, 'a=1', [['a', '1']]]) {
      const error = await rejection(session.send({ query: query as never }));
      expect(error.code).toBe('ERR_INVALID_OPTION');
    }
  });

  test('url: a string or a URL resolved against the session URL, like path; both at once is a UsageError', async () => {
    const server = await recordingServer();
    await using session = new Session(`${server.origin}/base/`, { transport: tcp });
    const given = new URL(`${server.origin}/absolute?z=1`);
    await session.send({ url: 'relative' });
    await session.send({ url: given, query: { y: 2 } });
    await session.send({ url: '/root' });
    expect(server.seen.map((s) => s.url)).toEqual(['/base/relative', '/absolute?z=1&y=2', '/root']);
    expect(given.href).toBe(`${server.origin}/absolute?z=1`); // not changed
    const error = await rejection(session.send({ url: 'a', path: 'b' }));
    expect(error.code).toBe('ERR_INVALID_OPTION');
  });

  test("url to another origin: the session's credentials stay home, the pool opens another connection", async () => {
    const home = await recordingServer();
    const other = await recordingServer();
    await using session = new Session(home.origin, { transport: tcp, auth: { bearer: 'secret' } });
    await session.send({ url: '/' });
    await session.send({ url: new URL(other.url) });
    expect(home.seen[0].headers.authorization).toBe('Bearer secret');
    expect(other.seen[0].headers.authorization).toBeUndefined();
    expect(other.sockets).toHaveLength(1);
  });
});
