import { once } from 'node:events';
import { UsageError } from '../../lib/message/errors';
import { ManualClock } from '../../lib/transport/clock';
import { Session } from '../../lib/session/session';
import { pieces } from '../support/body';
import { rejection } from '../support/failures';
import { bodyOf, closeServers, httpServer, rawServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick } from '../support/time';

afterEach(closeServers);

describe('streaming responses', () => {
  test('the head resolves first, the body arrives as the server sends it', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const server = await httpServer(async (_req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.write('first,');
      await released;
      res.end('second');
    });
    await using session = new Session(server.origin, { transport: tcp });
    const response = await session.stream();
    expect(response.status).toBe(200);
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.url).toBe(`${server.origin}/`);
    const iterator = response.body[Symbol.asyncIterator]();
    expect(new TextDecoder().decode((await iterator.next()).value)).toBe('first,');
    release();
    expect(new TextDecoder().decode((await iterator.next()).value)).toBe('second');
    expect((await iterator.next()).done).toBe(true);
    expect(response.timings.total).toBeGreaterThanOrEqual(response.timings.firstByte);
  });

  test('text(), json(), bytes(); trailers once drained; the body can be read once', async () => {
    const server = await rawServer(async (socket, reader) => {
      for (let request = await reader.request(); request; request = await reader.request()) {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n{"a":1}\r\n0\r\nX-Done: yes\r\n\r\n');
      }
    });
    await using session = new Session(server.origin, { transport: tcp });
    expect(await (await session.stream()).text()).toBe('{"a":1}');
    const json = await session.stream();
    expect(json.trailers.size).toBe(0);
    expect(await json.json()).toEqual({ a: 1 });
    expect(json.trailers.get('x-done')).toBe('yes');
    const bytes = await session.stream();
    expect(await bytes.bytes()).toEqual(new TextEncoder().encode('{"a":1}'));
    const error = await rejection(bytes.text());
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('ERR_BODY_USED');
    expect(server.sockets).toHaveLength(1);
  });

  test('backpressure: a slow consumer blocks the server, with a bounded amount in flight', async () => {
    const total = 64 * 1024 * 1024;
    let written = 0;
    let blocked = 0;
    const server = await rawServer(async (socket, reader) => {
      await reader.request();
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${total}\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      while (written < total && !socket.destroyed) {
        written += chunk.length;
        if (!socket.write(chunk)) {
          blocked++;
          await once(socket, 'drain');
        }
      }
    });
    await using session = new Session(server.origin, { transport: tcp });
    const response = await session.stream();
    const iterator = response.body[Symbol.asyncIterator]();
    let received = (await iterator.next()).value!.length;
    // The consumer pauses: the server's writes block and stop.
    await tick(150);
    const inFlight = written;
    expect(blocked).toBeGreaterThan(0);
    expect(inFlight).toBeLessThan(16 * 1024 * 1024);
    await tick(50);
    expect(written).toBe(inFlight);
    // Reading on lets the server finish.
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) received += next.value.length;
    expect(received).toBe(total);
    expect(written).toBe(total);
  });

  test('leaving the loop early closes the connection; the next request gets a new one', async () => {
    let closed = false;
    const server = await rawServer(async (socket, reader, index) => {
      await reader.request();
      if (index > 0) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext');
        return;
      }
      socket.on('close', () => (closed = true));
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
      for (let i = 0; i < 100 && !socket.destroyed; i++) {
        socket.write('5\r\nchunk\r\n');
        await tick(5);
      }
    });
    await using session = new Session(server.origin, { transport: tcp });
    const response = await session.stream();
    for await (const piece of response.body) {
      expect(piece.length).toBeGreaterThan(0);
      break;
    }
    await tick(20);
    expect(closed).toBe(true);
    expect((await session.send()).text()).toBe('next');
    expect(server.sockets).toHaveLength(2);
  });

  test('with connections: 1, a drained stream leaves the connection for the next request, which waited its turn', async () => {
    const server = await httpServer((req, res) => res.end(`body of ${req.url}`));
    await using session = new Session(server.origin, { transport: tcp, connections: 1 });
    const response = await session.stream({ path: '/one' });
    let sent = false;
    const next = session.send({ path: '/two' }).then((r) => {
      sent = true;
      return r;
    });
    await tick(30);
    expect(sent).toBe(false);
    expect(await response.text()).toBe('body of /one');
    expect((await next).text()).toBe('body of /two');
    expect(server.sockets).toHaveLength(1);
  });

  test('a response without a body does not hold the session up, read or not', async () => {
    const server = await httpServer((req, res) => {
      res.statusCode = req.url === '/empty' ? 204 : 200;
      res.end(req.method === 'HEAD' ? undefined : 'body');
    });
    await using session = new Session(server.origin, { transport: tcp });
    const empty = await session.stream({ path: '/empty' });
    const head = await session.stream({ method: 'HEAD' });
    expect([empty.status, head.status]).toEqual([204, 200]);
    expect((await session.send()).text()).toBe('body');
    expect(await empty.text()).toBe('');
    expect(server.sockets).toHaveLength(1);
  });

  test('cancel() and await using give the connection up', async () => {
    const server = await httpServer((_req, res) => {
      res.write('partial');
    });
    await using session = new Session(server.origin, { transport: tcp });
    const response = await session.stream();
    await response.cancel();
    {
      await using _ = await session.stream();
    }
    expect(server.sockets).toHaveLength(2);
  });
});

describe('request bodies', () => {
  test('an AsyncIterable body is sent chunked', async () => {
    let seen: { te?: string; cl?: string; body: string } | undefined;
    const server = await httpServer(async (req, res) => {
      seen = { te: req.headers['transfer-encoding'], cl: req.headers['content-length'], body: await bodyOf(req) };
      res.end('ok');
    });
    await using session = new Session(server.origin, { transport: tcp });
    const big = new Uint8Array(40 * 1024).fill(0x62);
    const response = await session.send({ method: 'POST', body: pieces('hello ', '', 'world', big) });
    expect(response.text()).toBe('ok');
    expect(seen).toEqual({ te: 'chunked', cl: undefined, body: `hello world${'b'.repeat(40 * 1024)}` });
  });

  test('the exact chunked bytes on the wire', async () => {
    let wire = '';
    const server = await rawServer(async (socket, reader) => {
      const head = await reader.head();
      wire = (await reader.bytes(Buffer.byteLength('3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'))).toString('latin1');
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${head!.headers['transfer-encoding'].length}\r\n\r\n${head!.headers['transfer-encoding']}`);
    });
    await using session = new Session(server.origin, { transport: tcp });
    expect((await session.send({ method: 'PUT', body: pieces('abc', 'de') })).text()).toBe('chunked');
    expect(wire).toBe('3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n');
  });

  test('with a Content-Length, a streamed body is sent as is, and its length is checked', async () => {
    const server = await httpServer(async (req, res) => res.end(`${req.headers['transfer-encoding']}:${await bodyOf(req)}`));
    await using session = new Session(server.origin, { transport: tcp });
    const ok = await session.send({ method: 'POST', headers: { 'Content-Length': '6' }, body: pieces('abc', 'def') });
    expect(ok.text()).toBe('undefined:abcdef');
    const short = await rejection(session.send({ method: 'POST', headers: { 'Content-Length': '10' }, body: pieces('abc') }));
    expect(short.code).toBe('ERR_BODY_LENGTH_MISMATCH');
    const long = await rejection(session.send({ method: 'POST', headers: { 'Content-Length': '2' }, body: pieces('abc') }));
    expect(long.code).toBe('ERR_BODY_LENGTH_MISMATCH');
  });

  test('an error from the body stream fails the request', async () => {
    const server = await httpServer(async (req, res) => {
      req.on('error', () => {});
      res.end('never');
    });
    await using session = new Session(server.origin, { transport: tcp });
    const failing = (async function* () {
      yield new TextEncoder().encode('a');
      throw new Error('producer failed');
    })();
    expect((await rejection(session.send({ method: 'POST', body: failing }))).message).toBe('producer failed');
  });
});

describe('Expect: 100-continue', () => {
  test('the server says 100 Continue, then reads the body', async () => {
    const server = await httpServer(async (req, res) => res.end(`got ${await bodyOf(req)}`));
    await using session = new Session(server.origin, { transport: tcp, expectContinueTimeout: 60_000 });
    const response = await session.send({ method: 'POST', headers: { Expect: '100-continue' }, body: 'payload' });
    expect(response.text()).toBe('got payload');
    expect(response.interim.map((r) => r.status)).toEqual([100]);
  });

  test('a streamed body waits for 100 Continue too', async () => {
    const server = await httpServer(async (req, res) => res.end(`got ${await bodyOf(req)}`));
    await using session = new Session(server.origin, { transport: tcp, expectContinueTimeout: 60_000 });
    const response = await session.send({ method: 'POST', headers: { Expect: '100-continue' }, body: pieces('str', 'eam') });
    expect(response.text()).toBe('got stream');
  });

  test('the server answers 417 without reading: the body is not sent, the connection not reused', async () => {
    let bodyArrived: boolean | undefined;
    const server = await rawServer(async (socket, reader, index) => {
      await reader.head();
      if (index > 0) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      socket.write('HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n');
      bodyArrived = !(await reader.nothingWithin(100));
    });
    await using session = new Session(server.origin, { transport: tcp, expectContinueTimeout: 60_000 });
    const response = await session.send({ method: 'POST', headers: { Expect: '100-continue' }, body: 'never sent' });
    expect(response.status).toBe(417);
    await tick(120);
    expect(bodyArrived).toBe(false);
    expect((await session.send()).status).toBe(200);
    expect(server.sockets).toHaveLength(2);
  });

  test('a server that stays silent gets the body after expectContinueTimeout', async () => {
    const clock = new ManualClock();
    let received = '';
    const server = await rawServer(async (socket, reader) => {
      const head = await reader.head();
      received = (await reader.bytes(Number(head!.headers['content-length']))).toString();
      socket.write('HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n');
    });
    await using session = new Session(server.origin, { transport: tcp, clock, expectContinueTimeout: 1000 });
    const sending = session.send({ method: 'PUT', headers: { Expect: '100-continue' }, body: 'late body' });
    while (clock.pending === 0) await tick(1);
    await tick(30);
    expect(received).toBe('');
    clock.advance(1000);
    expect((await sending).status).toBe(201);
    expect(received).toBe('late body');
  });
});
