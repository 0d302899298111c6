/**
 * The retry policy: retryable statuses and transient failures sent again, for idempotent methods and bodies
 * that can be sent twice, after an exponential backoff with jitter or the server's Retry-After (up to a cap),
 * on the session clock; every attempt listed on the response. Over in-memory pairs and a ManualClock.
 */
import { TransportError } from '../../lib/message/errors';
import { retryAfter } from '../../lib/session/retry-policy';
import { Session } from '../../lib/session/session';
import { ManualClock } from '../../lib/transport/clock';
import type { TransportFactory } from '../../lib/transport/transport';
import { pieces } from '../support/body';
import { memoryServer, reply } from '../support/memory-server';
import { closeServers, httpServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick, until } from '../support/time';

const ORIGIN = 'http://retry.test';
/** Only the retry waits on the test clock. */
const quiet = { timeouts: { connect: 0, tls: 0, headers: 0, bodyIdle: 0 }, idleTimeout: Infinity } as const;

/** A server answering the n-th request (0-based) with `answers[n]` (the last one after that). */
function scripted(...answers: string[]) {
  const seen: string[] = [];
  const server = memoryServer(async (end, reader) => {
    for (let request = await reader.request(); request; request = await reader.request()) {
      seen.push(`${request.method} ${request.target} ${request.body.toString('latin1')}`);
      await reply(end, answers[Math.min(seen.length - 1, answers.length - 1)]!);
    }
  });
  return { server, seen };
}

const status = (code: number, extra = ''): string => `HTTP/1.1 ${code} X\r\n${extra}Content-Length: 2\r\n\r\n${code === 200 ? 'ok' : 'no'}`;

/** Lets each retry wait elapse on the clock as it comes, `count` times; returns the waits. */
async function elapseWaits(clock: ManualClock, count: number): Promise<number[]> {
  const waits: number[] = [];
  for (let i = 0; i < count; i++) {
    await until(() => clock.nextDue !== undefined, () => `retry wait ${i + 1}`);
    waits.push(clock.nextDue!);
    clock.advance(clock.nextDue!);
  }
  return waits;
}

describe('retries', () => {
  test('off by default: a 503 is the response, one attempt', async () => {
    const { server, seen } = scripted(status(503), status(200));
    await using session = new Session(ORIGIN, { transport: server.factory });
    const response = await session.send();
    expect(response.status).toBe(503);
    expect(response.attempts).toEqual([{ status: 503, wait: 0 }]);
    expect(seen).toHaveLength(1);
  });

  test('retry: 3 sends a GET again after each 503, backing off with jitter, and lists every attempt', async () => {
    const clock = new ManualClock();
    const { server, seen } = scripted(status(503), status(503), status(200));
    await using session = new Session(ORIGIN, { transport: server.factory, clock, retry: 3, ...quiet });
    const sending = session.send({ path: '/r' });
    const waits = await elapseWaits(clock, 2);
    const response = await sending;
    expect([response.status, response.text()]).toEqual([200, 'ok']);
    expect(seen).toEqual(['GET /r ', 'GET /r ', 'GET /r ']);
    expect(waits[0]).toBeGreaterThanOrEqual(100); // 200 ms, jittered to 100–200
    expect(waits[0]).toBeLessThanOrEqual(200);
    expect(waits[1]).toBeGreaterThanOrEqual(200); // 400 ms, jittered to 200–400
    expect(waits[1]).toBeLessThanOrEqual(400);
    expect(response.attempts).toEqual([
      { status: 503, wait: waits[0] },
      { status: 503, wait: waits[1] },
      { status: 200, wait: 0 },
    ]);
    expect(server.connections).toHaveLength(1); // the small bodies were read: the connection was kept
  });

  test('the limit: after it, the last response is returned', async () => {
    const clock = new ManualClock();
    const { server, seen } = scripted(status(502));
    await using session = new Session(ORIGIN, { transport: server.factory, clock, retry: { limit: 2 }, ...quiet });
    const sending = session.send();
    await elapseWaits(clock, 2);
    const response = await sending;
    expect(response.status).toBe(502);
    expect(response.attempts.map((a) => a.status)).toEqual([502, 502, 502]);
    expect(seen).toHaveLength(3);
  });

  test('Retry-After in seconds is waited exactly; one past maxRetryAfter returns the response at once', async () => {
    const clock = new ManualClock();
    const { server } = scripted(status(429, 'Retry-After: 3\r\n'), status(200));
    await using session = new Session(ORIGIN, { transport: server.factory, clock, retry: 1, ...quiet });
    const sending = session.send();
    expect(await elapseWaits(clock, 1)).toEqual([3000]);
    expect((await sending).status).toBe(200);

    const { server: slow } = scripted(status(503, 'Retry-After: 120\r\n'), status(200));
    await using capped = new Session(ORIGIN, { transport: slow.factory, clock, retry: { limit: 1, maxRetryAfter: 60_000 }, ...quiet });
    expect((await capped.send()).status).toBe(503);
  });

  test('Retry-After as an HTTP date is read against the wall clock', () => {
    expect(retryAfter('5')).toBe(5000);
    const inTen = new Date(Date.now() + 10_000).toUTCString();
    expect(retryAfter(inTen)).toBeGreaterThan(8000);
    expect(retryAfter(inTen)).toBeLessThanOrEqual(10_000);
    expect(retryAfter('Thu, 01 Jan 1970 00:00:00 GMT')).toBe(0);
    expect(retryAfter('soon')).toBeUndefined();
  });

  test('a POST is not retried unless its method is listed; a streamed body never', async () => {
    const clock = new ManualClock();
    const { server, seen } = scripted(status(503), status(200));
    await using session = new Session(ORIGIN, { transport: server.factory, clock, retry: 2, ...quiet });
    expect((await session.send({ method: 'POST', body: 'a' })).status).toBe(503);

    expect(seen).toEqual(['POST / a']);

    const { server: listed, seen: seenListed } = scripted(status(503), status(200));
    await using posting = new Session(ORIGIN, { transport: listed.factory, clock, retry: { methods: ['POST'] }, ...quiet });
    const sending = posting.send({ method: 'POST', body: 'b' });
    await elapseWaits(clock, 1);
    expect((await sending).status).toBe(200);
    expect(seenListed).toEqual(['POST / b', 'POST / b']);

    const { server: other } = scripted(status(503), status(200));
    await using streaming = new Session(ORIGIN, { transport: other.factory, clock, retry: { methods: ['PUT'] }, ...quiet });
    expect((await streaming.send({ method: 'PUT', body: pieces('x') })).status).toBe(503);
  });

  test('a transient failure (connection refused) is retried; a request may turn retries off', async () => {
    const clock = new ManualClock();
    const { server } = scripted(status(200));
    let opens = 0;
    const flaky: TransportFactory = {
      open: (url, options) => (opens++ === 0 ? Promise.reject(new TransportError('refused', { code: 'ERR_CONNECTION_REFUSED' })) : server.factory.open(url, options)),
    };
    await using session = new Session(ORIGIN, { transport: flaky, clock, retry: 1, ...quiet });
    const sending = session.send();
    await elapseWaits(clock, 1);
    const response = await sending;
    expect(response.status).toBe(200);
    expect(response.attempts[0]).toMatchObject({ error: 'ERR_CONNECTION_REFUSED' });

    opens = 0;
    await using fresh = new Session(ORIGIN, { transport: flaky, clock, retry: 1, ...quiet });
    await expect(fresh.send({ retry: false })).rejects.toMatchObject({ code: 'ERR_CONNECTION_REFUSED' });
  });

  test('the total timeout covers the waits', async () => {
    const clock = new ManualClock();
    const { server } = scripted(status(503, 'Retry-After: 30\r\n'), status(200));
    await using session = new Session(ORIGIN, { transport: server.factory, clock, retry: 1, timeouts: { ...quiet.timeouts, total: 10_000 }, idleTimeout: Infinity });
    const sending = session.send().catch((error: unknown) => error);
    await until(() => clock.pending === 2, () => 'the total timer and the retry wait');
    clock.advance(10_000);
    await tick(1);
    expect(await sending).toMatchObject({ code: 'ERR_TIMEOUT', phase: 'total' });
  });
});

describe('retries against a real server', () => {
  afterEach(closeServers);

  test('a node:http server answering 503 with Retry-After: 0, then 200: one retry, on the kept connection', async () => {
    let requests = 0;
    const server = await httpServer((_req, res) => {
      requests++;
      if (requests === 1) {
        res.statusCode = 503;
        res.setHeader('retry-after', '0');
      }
      res.end(requests === 1 ? 'busy' : 'ok');
    });
    await using session = new Session(server.origin, { transport: tcp, retry: 1 });
    const response = await session.send();
    expect([response.status, response.text()]).toEqual([200, 'ok']);
    expect(response.attempts).toEqual([
      { status: 503, wait: 0 },
      { status: 200, wait: 0 },
    ]);
    expect(server.sockets).toHaveLength(1);
  });
});
