import { AbortError, TimeoutError, UsageError } from '../../lib/message/errors';
import { ManualClock } from '../../lib/transport/clock';
import { Session } from '../../lib/session/session';
import type { Transport, TransportFactory, TransportOptions } from '../../lib/transport/transport';
import { rejection } from '../support/failures';
import { memoryServer, reply } from '../support/memory-server';
import { tick, until } from '../support/time';

/**
 * Timers, aborts and the queue need no real socket: these specs run the session over in-memory pairs and a
 * ManualClock (the loopback versions of these cases are in spec/hostile/slow.spec.ts and aborts.spec.ts).
 */
const ORIGIN = 'http://memory.test';

/**
 * A fake server whose connections get `answer` after each request has been read (nothing if undefined); it
 * says when a request arrived and when a connection closed.
 */
function stalling(answer?: string) {
  const state = { requests: 0, closed: 0 };
  const server = memoryServer(async (end, reader) => {
    for (let request = await reader.request(); request; request = await reader.request()) {
      state.requests++;
      if (answer !== undefined) await reply(end, answer);
    }
    state.closed++;
  });
  return { server, state };
}

/** A factory that never connects, but honours the timeouts and the signal as an adapter must. */
class NeverConnects implements TransportFactory {
  readonly calls: TransportOptions[] = [];

  open(_url: URL, options: TransportOptions): Promise<Transport> {
    this.calls.push(options);
    return new Promise((_resolve, reject) => {
      const { connect, tls } = options.timeouts ?? {};
      const phase = connect !== undefined ? 'connect' : 'tls';
      const ms = connect ?? tls;
      if (ms !== undefined) options.clock!.setTimeout(() => reject(new TimeoutError(phase, ms)), ms);
      options.signal?.addEventListener('abort', () => reject(new AbortError(options.signal!.reason)));
    });
  }
}

describe('timeouts', () => {
  test('headers: the server never answers', async () => {
    const clock = new ManualClock();
    const { server, state } = stalling();
    await using session = new Session(ORIGIN, { transport: server.factory, clock, timeouts: { headers: 5000 } });
    const sending = session.send();
    await until(() => state.requests === 1 && clock.pending === 1);
    clock.advance(4999);
    await tick(10);
    clock.advance(1);
    const error = await rejection(sending);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.phase).toBe('headers');
    expect(error.code).toBe('ERR_TIMEOUT');
    await until(() => state.closed === 1);
  });

  test('bodyIdle: the server stalls in the middle of the body', async () => {
    const clock = new ManualClock();
    const { server, state } = stalling('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf ');
    await using session = new Session(ORIGIN, { transport: server.factory, clock, timeouts: { bodyIdle: 2000, headers: 60_000 } });
    const sending = session.send();
    await until(() => state.requests === 1);
    await tick(20);
    // Only the idle timer is armed: the headers timer stopped with the head.
    expect(clock.pending).toBe(1);
    clock.advance(2000);
    const error = await rejection(sending);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.phase).toBe('bodyIdle');
    await until(() => state.closed === 1);
  });

  test('bodyIdle measures waiting for the server, not a slow consumer', async () => {
    const clock = new ManualClock();
    const { server } = stalling('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n');
    await using session = new Session(ORIGIN, { transport: server.factory, clock, timeouts: { bodyIdle: 100 } });
    const response = await session.stream();
    const iterator = response.body[Symbol.asyncIterator]();
    // All the chunk data of the read is one piece; the last chunk waits, read, while the consumer is slow.
    expect(new TextDecoder().decode((await iterator.next()).value)).toBe('abcdef');
    await tick(20);
    clock.advance(10_000); // the consumer takes its time: no bodyIdle deadline is on while it does
    await tick(5);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  test('total: the whole request, set per session or per request', async () => {
    const clock = new ManualClock();
    const { server, state } = stalling();
    await using session = new Session(ORIGIN, { transport: server.factory, clock, timeouts: { total: 60_000 } });
    const sending = session.send({ timeout: 3000 });
    await until(() => state.requests === 1);
    clock.advance(3000);
    const error = await rejection(sending);
    expect(error).toBeInstanceOf(TimeoutError);
    expect([error.phase, error.ms]).toEqual(['total', 3000]);
  });

  test('total covers a streaming body until it ends', async () => {
    const clock = new ManualClock();
    const { server } = stalling('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf ');
    await using session = new Session(ORIGIN, { transport: server.factory, clock, timeouts: { total: 1000 } });
    const response = await session.stream();
    const iterator = response.body[Symbol.asyncIterator]();
    await iterator.next();
    const reading = rejection(iterator.next());
    clock.advance(1000);
    expect(await reading).toMatchObject({ phase: 'total' });
  });

  test('connect and tls: passed to the factory with the clock; its TimeoutError comes through', async () => {
    const clock = new ManualClock();
    const factory = new NeverConnects();
    const tls = { servername: 'example.test', rejectUnauthorized: true };
    await using session = new Session('http://example.test/', { transport: factory, clock, tls, timeouts: { connect: 1000, tls: 2000, total: 9000 } });
    const sending = session.send();
    await until(() => factory.calls.length === 1);
    expect(factory.calls[0]).toMatchObject({ tls, timeouts: { connect: 1000, tls: 2000 } });
    expect(factory.calls[0].clock).toBe(clock);
    clock.advance(1000);
    const error = await rejection(sending);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.phase).toBe('connect');

    // 0 turns the (default) connect timeout off.
    await using handshaking = new Session('http://example.test/', { transport: factory, clock, timeouts: { connect: 0, tls: 500 } });
    const other = handshaking.send();
    await until(() => factory.calls.length === 2);
    clock.advance(500);
    expect(await rejection(other)).toMatchObject({ phase: 'tls' });
  });

  test('a factory that opens after the request gave up has its transport closed', async () => {
    const clock = new ManualClock();
    let resolveOpen!: (transport: Transport) => void;
    let closed = false;
    const late: Transport = {
      secure: false,
      read: () => Promise.resolve(null),
      write: () => Promise.resolve(),
      close: () => {
        closed = true;
        return Promise.resolve();
      },
    };
    const factory: TransportFactory = { open: () => new Promise((resolve) => (resolveOpen = resolve)) };
    await using session = new Session('http://example.test/', { transport: factory, clock, timeouts: { total: 100 } });
    const sending = session.send();
    await until(() => resolveOpen !== undefined);
    clock.advance(100);
    expect(await rejection(sending)).toMatchObject({ phase: 'total' });
    resolveOpen(late);
    await tick(5);
    expect(closed).toBe(true);
  });
});

describe('abort', () => {
  test('an already aborted signal (request or session) rejects at once, with no connection', async () => {
    const { server } = stalling();
    const reason = new Error('not wanted');
    await using session = new Session(ORIGIN, { transport: server.factory });
    const error = await rejection(session.send({ signal: AbortSignal.abort(reason) }));
    expect(error).toBeInstanceOf(AbortError);
    expect(error.code).toBe('ERR_ABORTED');
    expect(error.reason).toBe(reason);
    await using aborted = new Session(ORIGIN, { transport: server.factory, signal: AbortSignal.abort('off') });
    expect(await rejection(aborted.send())).toMatchObject({ reason: 'off' });
    expect(server.connections).toHaveLength(0);
  });

  test('while connecting: the factory sees the abort', async () => {
    const factory = new NeverConnects();
    const controller = new AbortController();
    await using session = new Session('http://example.test/', { transport: factory });
    const sending = session.send({ signal: controller.signal });
    await until(() => factory.calls.length === 1);
    controller.abort('stop');
    expect(await rejection(sending)).toMatchObject({ code: 'ERR_ABORTED', reason: 'stop' });
    expect(factory.calls[0].signal!.aborted).toBe(true);
  });

  test('while waiting for the head: the connection is closed', async () => {
    const { server, state } = stalling();
    const controller = new AbortController();
    await using session = new Session(ORIGIN, { transport: server.factory });
    const sending = session.send({ signal: controller.signal });
    await until(() => state.requests === 1);
    controller.abort();
    const error = await rejection(sending);
    expect(error).toBeInstanceOf(AbortError);
    expect((error.reason as Error).name).toBe('AbortError');
    await until(() => state.closed === 1);
  });

  test('in the middle of the body (send) and of a stream; the session goes on afterwards', async () => {
    const { server, state } = stalling('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome');
    const controller = new AbortController();
    await using session = new Session(ORIGIN, { transport: server.factory });
    const sending = session.send({ signal: controller.signal });
    await until(() => state.requests === 1);
    await tick(10);
    controller.abort('mid-body');
    expect(await rejection(sending)).toMatchObject({ reason: 'mid-body' });

    const streamController = new AbortController();
    const response = await session.stream({ signal: streamController.signal });
    const iterator = response.body[Symbol.asyncIterator]();
    expect((await iterator.next()).value!.length).toBe(4);
    const reading = rejection(iterator.next());
    streamController.abort('mid-stream');
    expect(await reading).toMatchObject({ reason: 'mid-stream' });
    await until(() => state.closed === 2);
    expect(server.connections).toHaveLength(2);
  });

  test('while queued for a connection: only the waiting request fails, the queue goes on', async () => {
    const server = memoryServer(async (end, reader) => {
      for (let request = await reader.request(); request; request = await reader.request()) {
        await reply(end, `HTTP/1.1 200 OK\r\nContent-Length: ${request.target.length}\r\n\r\n${request.target}`);
      }
    });
    await using session = new Session(ORIGIN, { transport: server.factory, connections: 1 });
    const first = await session.stream({ path: '/first' });
    const controller = new AbortController();
    const queued = rejection(session.send({ path: '/queued', signal: controller.signal }));
    const after = session.send({ path: '/after' });
    controller.abort('gave up');
    expect(await queued).toMatchObject({ reason: 'gave up' });
    expect(await first.text()).toBe('/first');
    expect((await after).text()).toBe('/after');
    expect(server.connections).toHaveLength(1);
  });

  test('closing the session fails the request in progress', async () => {
    const { server } = stalling();
    const session = new Session(ORIGIN, { transport: server.factory });
    const sending = rejection(session.send());
    await until(() => server.connections.length === 1);
    await session.close();
    const error = await sending;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.reason).toBeInstanceOf(UsageError);
    expect((error.reason as UsageError).code).toBe('ERR_SESSION_CLOSED');
  });
});
