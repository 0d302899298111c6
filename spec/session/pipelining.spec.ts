/**
 * HTTP/1.1 pipelining (`pipelining: n`): pipelinable requests share a busy connection, up to n in flight, the
 * responses read in order (the bytes one exchange read past its response start the next); a connection whose
 * responses do not line up is closed, and the requests behind it are sent again on another. Over in-memory
 * pairs (the server sees exactly what arrived before it answered), and once over loopback with node:http.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AbortError, ParseError, UsageError } from '../../lib/message/errors';
import type { ReceivedRequest } from '../support/request-reader';
import { Session } from '../../lib/session/session';
import { memoryServer, reply } from '../support/memory-server';
import { closeServers, httpServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick, until } from '../support/time';

afterEach(closeServers);

const ORIGIN = 'http://pipe.test';

/** A response whose body is the request target. */
const echo = (request: ReceivedRequest, extra = ''): string =>
  `HTTP/1.1 200 OK\r\nContent-Length: ${request.target.length}\r\n${extra}\r\n${request.target}`;

/**
 * A server that reads requests as they come (pipelined ones too) and answers none until `answer()`: then, per
 * connection in order, with `respond` (by default the target as body). It counts the requests each connection
 * holds unanswered.
 */
function heldServer(respond: (request: ReceivedRequest, connection: number) => string = (request) => echo(request)) {
  const state = {
    arrivals: [] as string[],
    /** Requests received and not answered, per connection. */
    unanswered: [] as number[],
    maxUnanswered: 0,
    /** Connections whose client end closed. */
    ended: new Set<number>(),
    queue: [] as Array<() => Promise<void>>,
  };
  const server = memoryServer(async (end, reader, index) => {
    state.unanswered[index] = 0;
    for (let request = await reader.request(); request; request = await reader.request()) {
      const received = request;
      state.arrivals.push(`${received.method} ${received.target}@${index}`);
      state.unanswered[index]++;
      state.maxUnanswered = Math.max(state.maxUnanswered, state.unanswered[index]);
      state.queue.push(async () => {
        state.unanswered[index]--;
        await reply(end, respond(received, index));
      });
    }
    state.ended.add(index);
  });
  /** Answers every request held, oldest first. */
  const answer = async (): Promise<void> => {
    while (state.queue.length > 0) await state.queue.shift()!();
  };
  return { server, state, answer };
}

describe('pipelining', () => {
  test('requests really are pipelined: the server has all three before it answers, and one write of three responses answers them in order', async () => {
    const state = { heads: [] as ReceivedRequest[] };
    const server = memoryServer(async (end, reader) => {
      for (let request = await reader.request(); request; request = await reader.request()) {
        state.heads.push(request);
        if (state.heads.length === 3) await reply(end, state.heads.map((r) => echo(r)).join(''));
        else if (state.heads.length > 3) await reply(end, echo(request));
      }
    });
    await using session = new Session(ORIGIN, { transport: server.factory, connections: 1, pipelining: 3 });
    const responses = await Promise.all(['/a', '/b', '/c'].map((path) => session.send({ path })));
    expect(responses.map((r) => r.text())).toEqual(['/a', '/b', '/c']);
    expect(state.heads.map((r) => r.target)).toEqual(['/a', '/b', '/c']);
    expect(server.connections).toHaveLength(1);
    // The connection is kept: the next request goes on it.
    expect((await session.send({ path: '/d' })).text()).toBe('/d');
    expect(server.connections).toHaveLength(1);
  });

  test('at most `pipelining` requests are in flight on one connection; the rest wait, and all are answered in order', async () => {
    const { server, state, answer } = heldServer();
    await using session = new Session(ORIGIN, { transport: server.factory, connections: 2, pipelining: 3 });
    const paths = Array.from({ length: 12 }, (_, i) => `/${i}`);
    const all = Promise.all(paths.map((path) => session.send({ path })));
    while (state.arrivals.length < paths.length) {
      await until(() => state.queue.length > 0, () => 'a request at the server');
      await tick(5);
      expect(Math.max(...state.unanswered)).toBeLessThanOrEqual(3);
      await answer();
    }
    await answer();
    expect((await all).map((r) => r.text())).toEqual(paths);
    expect(state.maxUnanswered).toBe(3);
    expect(server.connections).toHaveLength(2);
  });

  test('POST, requests with a body, and requests after them are never pipelined', async () => {
    const { server, state, answer } = heldServer();
    await using session = new Session(ORIGIN, { transport: server.factory, connections: 1, pipelining: 4 });
    const all = Promise.all([
      session.send({ method: 'POST', path: '/post', body: 'x' }),
      session.send({ path: '/after-post' }),
      session.send({ method: 'PUT', path: '/put', body: 'y' }),
      session.send({ method: 'DELETE', path: '/delete' }),
      session.send({ method: 'GET', path: '/get' }),
    ]);
    for (let answered = 0; answered < 2; ) {
      await until(() => state.queue.length > 0, () => 'a request at the server');
      await tick(10);
      // One request alone on the connection while a POST or a body is on it.
      expect(state.queue.length).toBe(1);
      answered++;
      await answer();
    }
    // The PUT with a body went alone; the DELETE and the GET after it could share the connection.
    await until(() => state.queue.length > 0, () => 'the PUT at the server');
    await tick(10);
    expect(state.arrivals).toHaveLength(3);
    await answer();
    await until(() => state.arrivals.length === 5, () => `the DELETE and the GET together, got ${state.arrivals.join(', ')}`);
    await answer();
    expect((await all).map((r) => r.text())).toEqual(['/post', '/after-post', '/put', '/delete', '/get']);
    expect(server.connections).toHaveLength(1);
  });

  test('`pipelining: 1` (the default) keeps one request at a time on a connection', async () => {
    for (const pipelining of [1, undefined]) {
      const { server, state, answer } = heldServer();
      await using session = new Session(ORIGIN, { transport: server.factory, connections: 1, pipelining });
      const all = Promise.all(['/a', '/b', '/c'].map((path) => session.send({ path })));
      for (let i = 0; i < 3; i++) {
        await until(() => state.queue.length > 0, () => 'a request at the server');
        await tick(10);
        expect(state.queue.length).toBe(1);
        await answer();
      }
      expect((await all).map((r) => r.text())).toEqual(['/a', '/b', '/c']);
      expect(state.maxUnanswered).toBe(1);
    }
  });

  test('a response with `Connection: close` in the middle: the requests after it are sent again on a new connection', async () => {
    const { server, state, answer } = heldServer((request, connection) =>
      echo(request, connection === 0 && request.target === '/b' ? 'Connection: close\r\n' : ''),
    );
    await using session = new Session(ORIGIN, { transport: server.factory, connections: 1, pipelining: 4 });
    const all = Promise.all(['/a', '/b', '/c', '/d'].map((path) => session.send({ path })));
    await until(() => state.arrivals.length === 4, () => 'four pipelined requests');
    // The server answers all four; the client takes /a and /b, then closes: /c and /d are replayed.
    await answer();
    await until(() => state.arrivals.length === 6, () => `the replays, got ${state.arrivals.join(', ')}`);
    await answer();
    expect((await all).map((r) => r.text())).toEqual(['/a', '/b', '/c', '/d']);
    expect(state.arrivals.slice(4)).toEqual(['GET /c@1', 'GET /d@1']);
    expect(server.connections).toHaveLength(2);
    expect(state.ended.has(0)).toBe(true);
  });

  test('a connection the server ends after the first response: the requests behind it are sent again and succeed', async () => {
    const arrivals: string[] = [];
    const server = memoryServer(async (end, reader, index) => {
      const held = [];
      for (let request = await reader.request(); request; request = await reader.request()) {
        arrivals.push(`${request.target}@${index}`);
        if (index > 0) await reply(end, echo(request));
        else if (held.push(request) === 3) {
          await reply(end, echo(held[0]));
          await end.close();
        }
      }
    });
    await using session = new Session(ORIGIN, { transport: server.factory, connections: 1, pipelining: 3 });
    const responses = await Promise.all(['/a', '/b', '/c'].map((path) => session.send({ path })));
    expect(responses.map((r) => r.text())).toEqual(['/a', '/b', '/c']);
    expect(arrivals).toEqual(['/a@0', '/b@0', '/c@0', '/b@1', '/c@1']);
  });

  test('a response that does not parse fails its own request (it had bytes); the one behind it is sent again', async () => {
    const { server, state, answer } = heldServer((request, connection) =>
      connection === 0 && request.target === '/b' ? 'HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n' : echo(request),
    );
    await using session = new Session(ORIGIN, { transport: server.factory, connections: 1, pipelining: 3 });
    const settled = Promise.allSettled(['/a', '/b', '/c'].map((path) => session.send({ path })));
    await until(() => state.arrivals.length === 3, () => 'three pipelined requests');
    await answer();
    await until(() => state.arrivals.length === 4, () => `the replay, got ${state.arrivals.join(', ')}`);
    await answer();
    const [a, b, c] = await settled;
    expect(a.status === 'fulfilled' && a.value.text()).toBe('/a');
    expect(b.status === 'rejected' && b.reason).toBeInstanceOf(ParseError);
    expect(c.status === 'fulfilled' && c.value.text()).toBe('/c');
    expect(state.arrivals[3]).toBe('GET /c@1');
  });

  test('an event stream keeps its connection to itself', async () => {
    const arrivals: string[] = [];
    const server = memoryServer(async (end, reader, index) => {
      for (let request = await reader.request(); request; request = await reader.request()) {
        arrivals.push(`${request.target}@${index}`);
        if (request.target === '/feed') await reply(end, 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n6\r\ndata:1\r\n2\r\n\n\n\r\n');
        else await reply(end, echo(request));
      }
    });
    await using session = new Session(ORIGIN, { transport: server.factory, connections: 1, pipelining: 3 });
    const events = session.events({ path: '/feed' })[Symbol.asyncIterator]();
    expect((await events.next()).value).toMatchObject({ data: '1' });
    const later = session.send({ path: '/later' });
    await tick(20);
    expect(arrivals).toEqual(['/feed@0']);
    await events.return();
    expect((await later).text()).toBe('/later');
    expect(arrivals).toEqual(['/feed@0', '/later@1']);
  });

  test('an HTTP/1.0 session never pipelines', async () => {
    const { server, state, answer } = heldServer((request) => echo(request, 'Connection: keep-alive\r\n'));
    await using session = new Session(ORIGIN, { transport: server.factory, connections: 1, pipelining: 3, version: '1.0' });
    const all = Promise.all(['/a', '/b'].map((path) => session.send({ path })));
    for (let i = 0; i < 2; i++) {
      await until(() => state.queue.length > 0, () => 'a request at the server');
      await tick(10);
      expect(state.queue.length).toBe(1);
      await answer();
    }
    expect((await all).map((r) => r.text())).toEqual(['/a', '/b']);
    expect(server.connections).toHaveLength(1);
  });

  test('bytes after the last response in flight are no answer: the connection is closed, the next request goes on a new one', async () => {
    const { server, state, answer } = heldServer((request) => echo(request) + (request.target === '/b' ? 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil' : ''));
    await using session = new Session(ORIGIN, { transport: server.factory, connections: 1, pipelining: 4 });
    const all = Promise.all(['/a', '/b'].map((path) => session.send({ path })));
    await until(() => state.arrivals.length === 2, () => 'two pipelined requests');
    await answer();
    expect((await all).map((r) => r.text())).toEqual(['/a', '/b']);
    await until(() => state.ended.has(0), () => 'the connection closed');
    const next = session.send({ path: '/c' });
    await until(() => state.queue.length > 0, () => 'the next request');
    await answer();
    expect((await next).text()).toBe('/c');
    expect(state.arrivals).toEqual(['GET /a@0', 'GET /b@0', 'GET /c@1']);
  });

  test('an aborted pipelined request closes the connection; the others are sent again and succeed', async () => {
    const { server, state, answer } = heldServer();
    await using session = new Session(ORIGIN, { transport: server.factory, connections: 1, pipelining: 3 });
    const controller = new AbortController();
    const first = session.send({ path: '/a' });
    const aborted = session.send({ path: '/b', signal: controller.signal });
    const third = session.send({ path: '/c' });
    await until(() => state.arrivals.length === 3, () => 'three pipelined requests');
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    await until(() => state.arrivals.length === 5, () => `the replays, got ${state.arrivals.join(', ')}`);
    state.queue.splice(0, 3); // the closed connection's requests are never answered
    await answer();
    expect((await first).text()).toBe('/a');
    expect((await third).text()).toBe('/c');
    expect(state.arrivals.slice(3).sort()).toEqual(['GET /a@1', 'GET /c@1']);
    expect(state.ended.has(0)).toBe(true);
  });

  test('`pipelining` must be a whole number of at least 1', () => {
    for (const pipelining of [0, -1, 1.5, Number.NaN]) {
      expect(() => new Session(ORIGIN, { pipelining })).toThrow(UsageError);
    }
  });

  test('over loopback, node:http receives the pipelined requests before the first is answered, and the answers come in order', async () => {
    const arrivals: Array<{ url: string; port: number | undefined }> = [];
    const held: Array<() => void> = [];
    const server = await httpServer((req: IncomingMessage, res: ServerResponse) => {
      arrivals.push({ url: req.url!, port: req.socket.remotePort });
      const end = (): void => void res.end(req.url);
      if (req.url === '/0') held.push(end);
      else end();
    });
    await using session = new Session(server.origin, { transport: tcp, connections: 1, pipelining: 4 });
    const paths = ['/0', '/1', '/2', '/3'];
    const all = Promise.all(paths.map((path) => session.send({ path })));
    await until(() => arrivals.length === 4, () => `four requests at node:http before the first answer, got ${arrivals.length}`);
    held.forEach((end) => end());
    expect((await all).map((r) => r.text())).toEqual(paths);
    expect(new Set(arrivals.map((a) => a.port)).size).toBe(1);
    expect(server.sockets).toHaveLength(1);
  });
});
