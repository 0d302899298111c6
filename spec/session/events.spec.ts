import type { IncomingHttpHeaders } from 'node:http';
import { AbortError } from '../../lib/message/errors';
import type { SseEvent } from '../../lib/protocol/sse-parser';
import { ManualClock } from '../../lib/transport/clock';
import { EventStreamError } from '../../lib/session/event-stream';
import { Session } from '../../lib/session/session';
import { rejection } from '../support/failures';
import { closeServers, httpServer, rawServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick, until } from '../support/time';

afterEach(closeServers);

/** An event stream that sends `text` and stays open; `closed()` tells whether the client closed its connection. */
async function openStream(text: string) {
  let isClosed = false;
  const server = await httpServer((req, res) => {
    req.socket.on('close', () => (isClosed = true));
    res.setHeader('content-type', 'text/event-stream');
    res.write(text);
  });
  return { server, closed: () => isClosed };
}

/** Collects events in the background until `stop` says so (then leaves the loop). */
function collect(iterable: AsyncIterable<SseEvent>, stop: (events: SseEvent[]) => boolean = () => false) {
  const events: SseEvent[] = [];
  const done = (async () => {
    for await (const event of iterable) {
      events.push(event);
      if (stop(events)) break;
    }
  })();
  return { events, done };
}

/** Timeouts off, for the tests that count the clock's timers: only the reconnection waits are left. */
const untimed = { connect: 0, tls: 0, headers: 0, bodyIdle: 0 };
/** Idle connections kept without a timer, for the same tests (their servers send no Keep-Alive hint either). */
const idleTimeout = Infinity;

describe('server-sent events', () => {
  test('reconnects after the stream ends, waiting `retry`, with Last-Event-ID', async () => {
    const clock = new ManualClock();
    const requests: IncomingHttpHeaders[] = [];
    const server = await httpServer((req, res) => {
      requests.push(req.headers);
      res.setHeader('content-type', 'text/event-stream; charset=utf-8');
      if (requests.length === 1) res.end('retry: 50\nid: 1\ndata: one\n\nid: 2\nevent: update\ndata: two\n\n');
      else res.write(`id: 3\ndata: three\ndata: lines\n\n`);
    });
    server.server.keepAliveTimeout = 0; // no Keep-Alive hint: no idle timer on the test clock
    await using session = new Session(server.origin, { transport: tcp, clock, timeouts: untimed, idleTimeout });
    const stream = session.events({ path: '/feed' }, { minRetry: 0 });
    const { events, done } = collect(stream, (got) => got.length === 3);
    await until(() => events.length === 2 && clock.pending === 1);
    expect(stream.retry).toBe(50);
    clock.advance(49);
    await tick(10);
    expect(requests).toHaveLength(1);
    clock.advance(1);
    await done;
    expect(events).toEqual([
      { event: 'message', data: 'one', id: '1', retry: 50 },
      { event: 'update', data: 'two', id: '2', retry: 50 },
      { event: 'message', data: 'three\nlines', id: '3', retry: undefined },
    ]);
    expect(requests.map((h) => [h.accept, h['cache-control'], h['last-event-id']])).toEqual([
      ['text/event-stream', 'no-cache', undefined],
      ['text/event-stream', 'no-cache', '2'],
    ]);
    expect(stream.lastEventId).toBe('3');
    expect(stream.retry).toBe(50);
  });

  test('reconnects after the connection breaks in the middle of the body, over any framing', async () => {
    const server = await rawServer(async (socket, reader, index) => {
      await reader.request();
      if (index === 0) {
        // Chunked, cut in the middle of a chunk.
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n');
        socket.write('1c\r\nretry: 5\nid: a\ndata: first\n\n\r\n20\r\ndata: lost');
        await tick(10);
        socket.destroy();
      } else if (index === 1) {
        // Delimited by the close.
        socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: second\n\n');
      } else {
        const body = 'data: third\n\n';
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      }
    });
    await using session = new Session(server.origin, { transport: tcp });
    const { events, done } = collect(session.events(undefined, { minRetry: 0 }), (got) => got.length === 3);
    await done;
    expect(events.map((e) => `${e.data}@${e.id}`)).toEqual(['first@a', 'second@a', 'third@a']);
    expect(server.sockets).toHaveLength(3);
  });

  test('a 204 stops the stream', async () => {
    const server = await httpServer((_req, res) => {
      res.statusCode = 204;
      res.end();
    });
    await using session = new Session(server.origin, { transport: tcp });
    const { events, done } = collect(session.events());
    await done;
    expect(events).toEqual([]);
    expect(server.sockets).toHaveLength(1);
  });

  test('a wrong content type or status is an EventStreamError, without reconnecting', async () => {
    const server = await httpServer((req, res) => {
      res.statusCode = req.url === '/500' ? 500 : 200;
      res.setHeader('content-type', req.url === '/500' ? 'text/event-stream' : 'application/json');
      res.end('{}');
    });
    await using session = new Session(server.origin, { transport: tcp });
    const json = await rejection(collect(session.events()).done);
    expect(json).toBeInstanceOf(EventStreamError);
    expect(json).toMatchObject({ code: 'ERR_SSE_BAD_RESPONSE', status: 200, contentType: 'application/json' });
    const failing = await rejection(collect(session.events({ path: '/500' })).done);
    expect(failing).toMatchObject({ code: 'ERR_SSE_BAD_RESPONSE', status: 500 });
    expect(server.sockets.length).toBeLessThanOrEqual(2);
  });

  test('leaving the loop closes the connection and does not reconnect', async () => {
    const { server, closed } = await openStream('data: 1\n\ndata: 2\n\n');
    await using session = new Session(server.origin, { transport: tcp });
    const { events, done } = collect(session.events(), () => true);
    await done;
    expect(events.map((e) => e.data)).toEqual(['1']);
    await until(closed);
    await tick(20);
    expect(server.sockets).toHaveLength(1);
  });

  test('maxReconnects bounds reconnections that bring no event', async () => {
    const clock = new ManualClock();
    let requests = 0;
    const server = await httpServer((_req, res) => {
      requests++;
      res.setHeader('content-type', 'text/event-stream');
      res.end(': nothing\n\n');
    });
    server.server.keepAliveTimeout = 0; // no Keep-Alive hint: no idle timer on the test clock
    await using session = new Session(server.origin, { transport: tcp, clock, timeouts: untimed, idleTimeout });
    const { done } = collect(session.events(undefined, { retry: 10, minRetry: 0, maxReconnects: 2 }));
    for (let i = 1; i <= 2; i++) {
      await until(() => clock.pending === 1);
      clock.advance(20); // the second wait is backed off: 10 to 20 ms
    }
    await done;
    expect(requests).toBe(3);
    expect(clock.pending).toBe(0);
  });

  test('after the last reconnection, a connection error is thrown', async () => {
    const server = await rawServer(async (socket, reader) => {
      await reader.request();
      socket.destroy();
    });
    await using session = new Session(server.origin, { transport: tcp });
    const error = await rejection(collect(session.events(undefined, { retry: 1, minRetry: 0, maxReconnects: 1 })).done);
    expect(error.code).toBe('ERR_INCOMPLETE_MESSAGE');
    expect(server.sockets).toHaveLength(2);
  });

  test('aborting while waiting to reconnect ends with AbortError', async () => {
    const clock = new ManualClock();
    const server = await httpServer((_req, res) => {
      res.setHeader('content-type', 'text/event-stream');
      res.end('data: only\n\n');
    });
    server.server.keepAliveTimeout = 0; // no Keep-Alive hint: no idle timer on the test clock
    const controller = new AbortController();
    await using session = new Session(server.origin, { transport: tcp, clock, timeouts: untimed, idleTimeout });
    const { events, done } = collect(session.events({ signal: controller.signal }));
    await until(() => events.length === 1 && clock.pending === 1);
    controller.abort('enough');
    const error = await rejection(done);
    expect(error).toBeInstanceOf(AbortError);
    expect(error.reason).toBe('enough');
    expect(clock.pending).toBe(0);
  });

  test('the total timeout does not cut a long event stream', async () => {
    const clock = new ManualClock();
    const server = await httpServer((_req, res) => {
      res.setHeader('content-type', 'text/event-stream');
      res.write('data: 1\n\n');
      setTimeout(() => res.write('data: 2\n\n'), 20);
    });
    await using session = new Session(server.origin, { transport: tcp, clock, timeouts: { total: 100 } });
    const { events, done } = collect(session.events(), (got) => got.length === 2);
    await until(() => events.length === 1);
    clock.advance(1000);
    await done;
    expect(events.map((e) => e.data)).toEqual(['1', '2']);
  });
});

describe('forEach', () => {
  test('a read of many events is parsed in slices: every event whole, lines and UTF-8 characters cut at any place', async () => {
    // ~60 KiB in one write: reads larger than the parse slice, cut inside lines and multi-byte characters.
    const sent = Array.from({ length: 600 }, (_, i) => ({ id: String(i), data: `é€😀 ${i} ${'x'.repeat(i % 97)}` }));
    const body = sent.map((e) => `id: ${e.id}\ndata: ${e.data}\n\n`).join('');
    const server = await httpServer((_req, res) => {
      res.setHeader('content-type', 'text/event-stream');
      res.end(body);
    });
    await using session = new Session(server.origin, { transport: tcp });
    const iterated = session.events(undefined, { maxReconnects: 0 });
    const { events, done } = collect(iterated);
    await done;
    const called: SseEvent[] = [];
    await session.events(undefined, { maxReconnects: 0 }).forEach((event) => void called.push(event));
    const expected = sent.map((e) => ({ event: 'message', data: e.data, id: e.id, retry: undefined }));
    expect(events).toEqual(expected);
    expect(called).toEqual(expected);
    expect(iterated.lastEventId).toBe('599');
  });

  test('calls back with every event, across reconnections, and resolves when the stream ends', async () => {
    let requests = 0;
    const server = await httpServer((_req, res) => {
      requests++;
      res.setHeader('content-type', 'text/event-stream');
      if (requests === 1) res.end('id: 1\ndata: one\n\ndata: two\n\n');
      else if (requests === 2) res.end('data: three\n\n');
      else {
        res.statusCode = 204;
        res.end();
      }
    });
    await using session = new Session(server.origin, { transport: tcp });
    const stream = session.events(undefined, { minRetry: 0, retry: 0 });
    const got: string[] = [];
    await stream.forEach((event) => void got.push(`${event.data}@${event.id}`));
    expect(got).toEqual(['one@1', 'two@1', 'three@1']);
    expect(requests).toBe(3);
    await expect(stream.forEach(() => {})).rejects.toMatchObject({ code: 'ERR_STREAM_USED' });
  });

  test('returning false stops: the connection is closed, nothing is reconnected', async () => {
    const { server, closed } = await openStream('data: 1\n\ndata: 2\n\n');
    await using session = new Session(server.origin, { transport: tcp });
    const got: string[] = [];
    await session.events().forEach((event) => got.push(event.data) < 1);
    expect(got).toEqual(['1']);
    await until(closed);
    await tick(20);
    expect(server.sockets).toHaveLength(1);
  });

  test('waits for a callback’s promise before the next event; a throw rejects and closes the connection', async () => {
    const { server, closed } = await openStream('data: 1\n\ndata: 2\n\ndata: 3\n\n');
    await using session = new Session(server.origin, { transport: tcp });
    const log: string[] = [];
    const error = await rejection(
      session.events().forEach(async (event) => {
        log.push(`start ${event.data}`);
        await tick(5);
        log.push(`end ${event.data}`);
        if (event.data === '2') throw new Error('consumer failed');
      }),
    );
    expect(error.message).toBe('consumer failed');
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    await until(closed);
  });
});
