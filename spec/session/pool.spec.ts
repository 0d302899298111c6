/**
 * The session's connection pool: requests in parallel over at most `connections` per origin, the rest waiting
 * in order; idle connections reused most recently used first and closed after the idle timeout; a broken
 * connection fails only its own request. Over in-memory pairs (no socket is needed to count connections).
 */
import { Session } from '../../lib/session/session';
import { ManualClock } from '../../lib/transport/clock';
import { memoryServer, reply } from '../support/memory-server';
import { closeServers, httpServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick, until } from '../support/time';

const ORIGIN = 'http://pool.test';

/** A server that answers each request with its path after `hold()` lets it, counting connections busy at once. */
function holdingServer() {
  const state = { busy: 0, maxBusy: 0, arrivals: [] as string[], released: [] as Array<() => void> };
  const server = memoryServer(async (end, reader, index) => {
    for (let request = await reader.request(); request; request = await reader.request()) {
      state.arrivals.push(`${request.target}@${index}`);
      state.busy++;
      state.maxBusy = Math.max(state.maxBusy, state.busy);
      await new Promise<void>((go) => state.released.push(go));
      state.busy--;
      await reply(end, `HTTP/1.1 200 OK\r\nContent-Length: ${request.target.length}\r\n\r\n${request.target}`);
    }
  });
  /** Lets every held request answer. */
  const releaseAll = (): void => state.released.splice(0).forEach((go) => go());
  return { server, state, releaseAll };
}

describe('the connection pool', () => {
  test('requests run in parallel, at most `connections` at once; the rest wait their turn in order', async () => {
    const { server, state, releaseAll } = holdingServer();
    await using session = new Session(ORIGIN, { transport: server.factory, connections: 3 });
    const paths = Array.from({ length: 10 }, (_, i) => `/${i}`);
    const all = Promise.all(paths.map((path) => session.send({ path })));
    for (let round = 0; round < 10 && state.arrivals.length < 10; round++) {
      await until(() => state.released.length > 0, () => 'a request at the server');
      await tick(5);
      expect(state.busy).toBeLessThanOrEqual(3);
      releaseAll();
    }
    const responses = await all;
    expect(responses.map((r) => r.text())).toEqual(paths);
    expect(server.connections).toHaveLength(3);
    expect(state.maxBusy).toBe(3);
    // First come, first served: the server saw the requests in the order they were made.
    expect(state.arrivals.map((a) => a.split('@')[0])).toEqual(paths);
  });

  test('the default allows 16 at once: 8 slow requests on one session all reach the server together', async () => {
    const { server, state, releaseAll } = holdingServer();
    await using session = new Session(ORIGIN, { transport: server.factory });
    const all = Promise.all(Array.from({ length: 8 }, (_, i) => session.send({ path: `/${i}` })));
    await until(() => state.busy === 8, () => '8 requests at the server at once');
    releaseAll();
    await all;
    expect(server.connections).toHaveLength(8);
  });

  test('idle connections are reused, most recently used first', async () => {
    const { server, state, releaseAll } = holdingServer();
    await using session = new Session(ORIGIN, { transport: server.factory });
    const both = Promise.all([session.send({ path: '/a' }), session.send({ path: '/b' })]);
    await until(() => state.busy === 2, () => 'two requests at the server');
    // Answer /b (connection 1) last: it is then the most recently used.
    state.released[0]!();
    await tick(5);
    state.released[1]!();
    await both;
    const next = session.send({ path: '/c' });
    await until(() => state.released.length === 3, () => 'the third request');
    releaseAll();
    await next;
    expect(state.arrivals.at(-1)).toBe('/c@1');
    expect(server.connections).toHaveLength(2);
  });

  test('a broken connection fails only its own request', async () => {
    const server = memoryServer(async (end, reader) => {
      const request = await reader.request();
      if (!request) return;
      if (request.target === '/broken') {
        await end.close();
        return;
      }
      await tick(10);
      await reply(end, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    await using session = new Session(ORIGIN, { transport: server.factory });
    const results = await Promise.allSettled([session.send({ path: '/a' }), session.send({ path: '/broken' }), session.send({ path: '/b' })]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.code).toBe('ERR_INCOMPLETE_MESSAGE');
  });

  test('an unread stream() and an open events() hold only their own connections', async () => {
    const server = memoryServer(async (end, reader) => {
      for (let request = await reader.request(); request; request = await reader.request()) {
        if (request.target === '/events') {
          await reply(end, 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\nd\r\ndata: first\n\n\r\n');
          return; // the stream stays open
        }
        if (request.target === '/big') await reply(end, 'HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nstart');
        else await reply(end, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      }
    });
    await using session = new Session(ORIGIN, { transport: server.factory });
    const unread = await session.stream({ path: '/big' });
    const events = session.events({ path: '/events' })[Symbol.asyncIterator]();
    expect((await events.next()).value?.data).toBe('first');
    expect((await session.send({ path: '/other' })).text()).toBe('ok');
    expect(server.connections).toHaveLength(3);
    await unread.cancel();
    await events.return?.();
  });

  test('an idle connection is closed after idleTimeout, or a second before the server’s Keep-Alive timeout', async () => {
    const clock = new ManualClock();
    const server = memoryServer(async (end, reader) => {
      for (let request = await reader.request(); request; request = await reader.request()) {
        const hint = request.target === '/hint' ? 'Keep-Alive: timeout=3\r\n' : '';
        await reply(end, `HTTP/1.1 200 OK\r\n${hint}Content-Length: 2\r\n\r\nok`);
      }
    });
    const timeouts = { connect: 0, tls: 0, headers: 0, bodyIdle: 0 };
    await using session = new Session(ORIGIN, { transport: server.factory, clock, timeouts, idleTimeout: 10_000 });
    await session.send({ path: '/plain' });
    expect(clock.nextDue).toBe(10_000);
    clock.advance(9_999);
    await session.send({ path: '/again' });
    expect(server.connections).toHaveLength(1); // not expired yet: reused, and idle again from now
    clock.advance(9_999); // past the first expiry, not the second
    await tick(5);
    await session.send({ path: '/hint' });
    expect(server.connections).toHaveLength(1);
    clock.advance(1_999); // the server's 3 s less a second: 2 s
    await tick(5);
    await session.send({ path: '/hint' });
    expect(server.connections).toHaveLength(1);
    clock.advance(2_000);
    await tick(5);
    await session.send({ path: '/after' });
    expect(server.connections).toHaveLength(2); // expired after 2 s
    clock.advance(10_000);
    await tick(5);
    await session.send({ path: '/last' });
    expect(server.connections).toHaveLength(3);
  });

  test('connections must be a whole number of at least 1', () => {
    expect(() => new Session(ORIGIN, { connections: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => new Session(ORIGIN, { connections: 1.5 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });

  test('a request aborted while waiting for a connection gives up its place; the others go on', async () => {
    const { server, state, releaseAll } = holdingServer();
    await using session = new Session(ORIGIN, { transport: server.factory, connections: 1 });
    const first = session.send({ path: '/first' });
    await until(() => state.busy === 1, () => 'the first request at the server');
    const controller = new AbortController();
    const waiting = session.send({ path: '/waiting', signal: controller.signal }).catch((e: unknown) => e);
    const after = session.send({ path: '/after' });
    controller.abort('no');
    expect(await waiting).toMatchObject({ code: 'ERR_ABORTED' });
    releaseAll();
    await first;
    await until(() => state.released.length === 1, () => 'the last request at the server');
    releaseAll();
    expect((await after).text()).toBe('/after');
    expect(state.arrivals).toEqual(['/first@0', '/after@0']);
  });
});

describe('the pool against a real server', () => {
  afterEach(closeServers);

  test('node:http sees at most `connections` sockets busy at once, and every request answered', async () => {
    let busy = 0;
    let maxBusy = 0;
    const server = await httpServer((req, res) => {
      busy++;
      maxBusy = Math.max(maxBusy, busy);
      setTimeout(() => {
        busy--;
        res.end(req.url);
      }, 20);
    });
    await using session = new Session(server.origin, { transport: tcp, connections: 2 });
    const paths = Array.from({ length: 6 }, (_, i) => `/${i}`);
    const responses = await Promise.all(paths.map((path) => session.send({ path })));
    expect(responses.map((r) => r.text())).toEqual(paths);
    expect(maxBusy).toBe(2);
    expect(server.sockets).toHaveLength(2);
  });
});
