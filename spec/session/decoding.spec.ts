/**
 * Content decoding through the session, against loopback node:http servers compressing with node:zlib:
 * Accept-Encoding, each coding and a list of them, what is not decoded, `decompress: false`, a bomb with memory
 * bounded, corrupt and cut streams, and a streamed body pulled no faster than its consumer reads.
 */
import { randomBytes } from 'node:crypto';
import type * as http from 'node:http';
import * as zlib from 'node:zlib';
import { defaultDecoders as nodeEntryDecoders } from '../../lib/index';
import { ContentDecodingError, LimitError } from '../../lib/message/errors';
import { Session } from '../../lib/session/session';
import { latin1 } from '../support/bytes';
import { nodeDecoders, webOnlyDecoders, zerosGzip } from '../support/decoders';
import { rejection } from '../support/failures';
import { countingTcp, MemoryProbe, MiB } from '../support/hostile';
import { closeServers, echoRequest, httpServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick } from '../support/time';

afterEach(closeServers);

const json = { message: 'hello, decoded world', list: Array.from({ length: 50 }, (_, i) => i) };
const text = JSON.stringify(json);
const gzipped = zlib.gzipSync(text);

/** What the server answers on each path: the Content-Encoding field and the body bytes. */
const routes: Record<string, [string | undefined, Buffer]> = {
  '/gzip': ['gzip', gzipped],
  '/x-gzip': ['x-gzip', gzipped],
  '/deflate': ['deflate', zlib.deflateSync(text)],
  '/deflate-raw': ['deflate', zlib.deflateRawSync(text)],
  '/br': ['br', zlib.brotliCompressSync(text)],
  '/list': ['deflate, gzip', zlib.gzipSync(zlib.deflateSync(text))],
  '/identity': ['identity', Buffer.from(text)],
  '/plain': [undefined, Buffer.from(text)],
  '/unknown': ['zstd-or-something', Buffer.from('\x28\xb5\x2f\xfd opaque', 'latin1')],
  '/corrupt': ['gzip', Buffer.concat([Buffer.from('no gzip header'), gzipped])],
  '/bad-crc': ['gzip', Buffer.concat([gzipped.subarray(0, -8), Buffer.from([1, 2, 3, 4]), gzipped.subarray(-4)])],
  '/truncated': ['gzip', gzipped.subarray(0, -12)],
  '/bomb': ['gzip, gzip', zlib.gzipSync(zerosGzip(200))],
};

/** A node:http server answering `routes` (with Content-Length), `/echo` with the request, `/status/N` with N and a gzip field. */
function codedServer(): ReturnType<typeof httpServer> {
  return httpServer((req, res) => {
    const url = req.url!;
    if (url === '/echo') return void echoRequest(req, res);
    if (url.startsWith('/status/')) {
      res.writeHead(Number(url.slice(8)), { 'content-encoding': 'gzip' });
      return void res.end();
    }
    const [coding, body] = routes[url];
    if (coding) res.setHeader('content-encoding', coding);
    res.setHeader('content-type', 'application/json');
    res.setHeader('content-length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

describe('content decoding with the node:zlib decoders', () => {
  const decoders = nodeDecoders();

  test('Accept-Encoding offers what the registry decodes; the io-http entry registers gzip, deflate, br', async () => {
    const server = await codedServer();
    await using session = new Session(server.origin, { transport: tcp, decoders });
    expect((await session.send({ path: '/echo' })).json()).toMatchObject({ headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(nodeEntryDecoders.acceptEncoding()).toBe('gzip, deflate, br');
  });

  test.each([
    ['/gzip', ['gzip']],
    ['/x-gzip', ['x-gzip']],
    ['/deflate', ['deflate']],
    ['/deflate-raw', ['deflate']],
    ['/br', ['br']],
    ['/list', ['deflate', 'gzip']],
    ['/identity', []],
    ['/plain', []],
  ])('%s: send() and stream() give the decoded body; the headers are as received', async (path, decoded) => {
    const server = await codedServer();
    await using session = new Session(server.origin, { transport: tcp, decoders });
    const [coding, wire] = routes[path];
    const response = await session.send({ path });
    expect(response.json()).toEqual(json);
    expect(response.decodedEncodings).toEqual(decoded);
    expect(response.headers.get('content-encoding')).toBe(coding);
    expect(response.headers.get('content-length')).toBe(String(wire.length));
    const streamed = await session.stream({ path });
    expect(streamed.decodedEncodings).toEqual(decoded);
    expect(await streamed.json()).toEqual(json);
    expect(server.sockets).toHaveLength(1); // a decoded body leaves the connection for the next request
  });

  test('an unknown coding: the bytes as received, nothing decoded', async () => {
    const server = await codedServer();
    await using session = new Session(server.origin, { transport: tcp, decoders });
    const response = await session.send({ path: '/unknown' });
    expect(response.decodedEncodings).toEqual([]);
    expect(latin1(response.body)).toBe(latin1(routes['/unknown'][1]));
  });

  test('HEAD, 204 and 304 with Content-Encoding: gzip are not decoded, and keep the connection', async () => {
    const server = await codedServer();
    await using session = new Session(server.origin, { transport: tcp, decoders });
    const head = await session.send({ method: 'HEAD', path: '/gzip' });
    expect([head.body.length, head.decodedEncodings]).toEqual([0, []]);
    for (const status of [204, 304]) {
      const response = await session.send({ path: `/status/${status}` });
      expect([response.status, response.body.length, response.decodedEncodings]).toEqual([status, 0, []]);
    }
    const streamed = await session.stream({ path: '/status/204' });
    expect(await streamed.bytes()).toHaveLength(0);
    expect((await session.send({ path: '/gzip' })).json()).toEqual(json);
    expect(server.sockets).toHaveLength(1);
  });

  test("a request's own Accept-Encoding is sent as it is (the body still decoded); a Range request gets none", async () => {
    const server = await codedServer();
    await using session = new Session(server.origin, { transport: tcp, decoders });
    const own = await session.send({ path: '/echo', headers: { 'Accept-Encoding': 'gzip' } });
    expect(own.json()).toMatchObject({ headers: { 'accept-encoding': 'gzip' } });
    expect((await session.send({ path: '/gzip', headers: { 'Accept-Encoding': 'gzip' } })).json()).toEqual(json);
    const range = (await session.send({ path: '/echo', headers: { Range: 'bytes=0-9' } })).json() as { headers: Record<string, string> };
    expect(range.headers['accept-encoding']).toBeUndefined();
  });

  test('decompress: false, per session and per request: no Accept-Encoding, the bytes as received', async () => {
    const server = await codedServer();
    await using off = new Session(server.origin, { transport: tcp, decoders, decompress: false });
    const echo = (await off.send({ path: '/echo' })).json() as { headers: Record<string, string> };
    expect(echo.headers['accept-encoding']).toBeUndefined();
    const raw = await off.send({ path: '/gzip' });
    expect(Buffer.from(raw.body).equals(gzipped)).toBe(true);
    expect(raw.decodedEncodings).toEqual([]);
    expect((await off.send({ path: '/gzip', decompress: true })).json()).toEqual(json);

    await using on = new Session(server.origin, { transport: tcp, decoders });
    const streamed = await on.stream({ path: '/gzip', decompress: false });
    expect(Buffer.from(await streamed.bytes()).equals(gzipped)).toBe(true);
    const echoOff = (await on.send({ path: '/echo', decompress: false })).json() as { headers: Record<string, string> };
    expect(echoOff.headers['accept-encoding']).toBeUndefined();
  });

  test.each([
    ['/corrupt', 'a bad gzip header'],
    ['/bad-crc', 'a bad CRC'],
    ['/truncated', 'a gzip stream cut short (the message itself whole)'],
  ])('%s (%s): ContentDecodingError, the connection closed, the next request fine', async (path) => {
    const server = await codedServer();
    await using session = new Session(server.origin, { transport: tcp, decoders });
    const error = await rejection(session.send({ path }));
    expect(error).toBeInstanceOf(ContentDecodingError);
    expect(error).toMatchObject({ code: 'ERR_CONTENT_DECODING', encodings: ['gzip'] });
    const streamed = await session.stream({ path });
    expect(await rejection(streamed.bytes())).toBeInstanceOf(ContentDecodingError);
    expect((await session.send({ path: '/gzip' })).json()).toEqual(json);
  });

  test('a bomb (under 10 KiB that decode to 200 MiB) is a LimitError by default, with memory bounded', async () => {
    const server = await codedServer();
    expect(routes['/bomb'][1].length).toBeLessThan(10 * 1024);
    const probe = new MemoryProbe();
    await using session = new Session(server.origin, { transport: tcp, decoders });
    const error = await rejection(session.send({ path: '/bomb' }));
    probe.sample();
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: 'ERR_DECODED_TOO_LARGE', limit: 1000 });
    // Decoding stopped past 8 MiB: the body held is that, not 200 MiB.
    expect(probe.growth).toBeLessThan(40 * MiB);

    const streamed = await session.stream({ path: '/bomb' });
    let decoded = 0;
    const streamError = await rejection(
      (async () => {
        for await (const piece of streamed.body) {
          decoded += piece.length;
          if (decoded % (2 * MiB) < piece.length) probe.sample();
        }
      })(),
    );
    expect(streamError).toMatchObject({ code: 'ERR_DECODED_TOO_LARGE' });
    expect(decoded).toBeLessThanOrEqual(8 * MiB);
    expect(probe.growth).toBeLessThan(40 * MiB);
    expect((await session.send({ path: '/gzip' })).json()).toEqual(json);
  }, 30_000);

  test('maxDecodedSize, per session and per request', async () => {
    const server = await codedServer();
    await using session = new Session(server.origin, { transport: tcp, decoders, maxDecodedSize: 100 });
    expect(await rejection(session.send({ path: '/gzip' }))).toMatchObject({ code: 'ERR_DECODED_TOO_LARGE', limit: 100 });
    expect((await session.send({ path: '/gzip', maxDecodedSize: 10_000 })).json()).toEqual(json);
  });

  test('stream(): a consumer that pauses stops the reading of the wire; reading on gets the whole body', async () => {
    // Random bytes do not compress: the wire is as large as the body.
    const body = randomBytes(16 * MiB);
    const server = await httpServer((_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.setHeader('content-encoding', 'gzip');
      zlib.createGzip({ level: 1 }).end(body).pipe(res);
    });
    const counting = countingTcp();
    await using session = new Session(server.origin, { transport: counting.factory, decoders });
    const response = await session.stream();
    const iterator = response.body[Symbol.asyncIterator]();
    const pieces = [(await iterator.next()).value!];
    await tick(200);
    const readWhilePaused = counting.bytesRead();
    expect(readWhilePaused).toBeLessThan(MiB);
    await tick(50);
    expect(counting.bytesRead()).toBe(readWhilePaused);
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) pieces.push(next.value);
    expect(Buffer.concat(pieces).equals(body)).toBe(true);
    expect(counting.bytesRead()).toBeGreaterThan(16 * MiB);
  }, 30_000);

  test('events(): a gzipped event stream flushed per event is decoded as it comes', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const server = await httpServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
      const gzip = zlib.createGzip();
      gzip.pipe(res);
      gzip.write('data: one\n\n');
      gzip.flush();
      await released;
      gzip.end('data: two\n\n');
    });
    await using session = new Session(server.origin, { transport: tcp, decoders });
    const iterator = session.events(undefined, { maxReconnects: 0 })[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ data: 'one' });
    release();
    expect((await iterator.next()).value).toMatchObject({ data: 'two' });
    await iterator.return!();
  });
});

describe('content decoding with only the DecompressionStream decoders (io-http/core)', () => {
  const decoders = webOnlyDecoders();

  test('offers gzip, deflate; decodes gzip, deflate (zlib and raw) and a list; hands br on as received', async () => {
    const server = await codedServer();
    await using session = new Session(server.origin, { transport: tcp, decoders });
    expect((await session.send({ path: '/echo' })).json()).toMatchObject({ headers: { 'accept-encoding': 'gzip, deflate' } });
    for (const path of ['/gzip', '/x-gzip', '/deflate', '/deflate-raw', '/list']) expect((await session.send({ path })).json()).toEqual(json);
    const br = await session.send({ path: '/br' });
    expect([br.decodedEncodings, Buffer.from(br.body).equals(routes['/br'][1])]).toEqual([[], true]);
  });

  test('a corrupt stream, a cut one, and a bomb', async () => {
    const server = await codedServer();
    await using session = new Session(server.origin, { transport: tcp, decoders });
    for (const path of ['/corrupt', '/bad-crc', '/truncated']) {
      expect(await rejection(session.send({ path }))).toMatchObject({ code: 'ERR_CONTENT_DECODING' });
    }
    const probe = new MemoryProbe();
    expect(await rejection(session.send({ path: '/bomb' }))).toMatchObject({ code: 'ERR_DECODED_TOO_LARGE' });
    probe.sample();
    expect(probe.growth).toBeLessThan(40 * MiB);
  }, 30_000);
});
