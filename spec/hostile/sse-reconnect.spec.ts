/**
 * SSE reconnection storms: a server that says `retry: 0` and ends each connection after one event once made
 * the client reconnect 300–480 times a second, forever. The wait has a floor and backs off while connections
 * keep ending quickly.
 */
import { ManualClock } from '../../lib/transport/clock';
import { Session } from '../../lib/session/session';
import { closeServers, httpServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick } from '../support/time';

afterEach(closeServers);

describe('SSE reconnection', () => {
  test('retry: 0 and one event per connection: a handful of connections in 2.5 s, not hundreds', async () => {
    let connections = 0;
    const server = await httpServer((_req, res) => {
      connections++;
      res.setHeader('content-type', 'text/event-stream');
      res.end(`retry: 0\ndata: ${connections}\n\n`);
    });
    const controller = new AbortController();
    await using session = new Session(server.origin, { transport: tcp });
    const stream = session.events({ signal: controller.signal });
    const seen: string[] = [];
    const started = Date.now();
    const reading = (async () => {
      for await (const event of stream) seen.push(event.data);
    })().catch(() => {});
    await tick(2500);
    controller.abort();
    await reading;
    // 1 s floor, then 1–2 s backed off: three connections, four on a slow machine.
    expect(connections).toBeGreaterThanOrEqual(2);
    expect(connections).toBeLessThanOrEqual(4);
    expect(seen.length).toBe(connections);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  test('the wait doubles while connections end quickly, with jitter, up to maxRetry; a long connection resets it', async () => {
    const clock = new ManualClock();
    let connections = 0;
    let hold: (() => void) | undefined;
    const server = await httpServer((_req, res) => {
      connections++;
      res.setHeader('content-type', 'text/event-stream');
      res.write(`retry: 100\ndata: ${connections}\n\n`);
      // The fifth connection lasts until the test ends it; the others end at once.
      if (connections === 5) hold = () => res.end();
      else res.end();
    });
    server.server.keepAliveTimeout = 0; // no Keep-Alive hint: no idle timer on the test clock
    const timeouts = { connect: 0, tls: 0, headers: 0, bodyIdle: 0 }; // only the reconnection waits on the clock
    await using session = new Session(server.origin, { transport: tcp, clock, timeouts, idleTimeout: Infinity });
    const controller = new AbortController();
    const reading = (async () => {
      for await (const _ of session.events({ signal: controller.signal }, { minRetry: 500, maxRetry: 4000 })) void _;
    })().catch(() => {});
    const waits: number[] = [];
    /** Waits for the next reconnection timer, notes its delay and lets it fire. */
    async function nextWait(): Promise<void> {
      for (let i = 0; i < 500 && clock.nextDue === undefined; i++) await tick(2);
      const due = clock.nextDue!;
      waits.push(due);
      clock.advance(due);
    }
    for (let i = 0; i < 4; i++) await nextWait();
    for (let i = 0; i < 500 && !hold; i++) await tick(2);
    clock.advance(6000); // the fifth connection lasts 6 s
    hold!();
    await nextWait();
    for (let i = 0; i < 500 && connections < 6; i++) await tick(2);
    controller.abort();
    await reading;
    expect(waits[0]).toBe(500); // the floor, not the 100 asked for
    expect(waits[1]).toBeGreaterThanOrEqual(500); // doubled to 1000, jittered to 500–1000
    expect(waits[1]).toBeLessThanOrEqual(1000);
    expect(waits[2]).toBeGreaterThanOrEqual(1000); // 2000 → 1000–2000
    expect(waits[2]).toBeLessThanOrEqual(2000);
    expect(waits[3]).toBeGreaterThanOrEqual(2000); // 4000, the cap → 2000–4000
    expect(waits[3]).toBeLessThanOrEqual(4000);
    expect(waits[4]).toBe(500); // after a long connection: back to the floor
    expect(connections).toBe(6);
  });
});
