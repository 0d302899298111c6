/**
 * Hostile servers that are slow on purpose (slowloris): a head dribbled a byte at a time, a body that stops,
 * a body dribbled just fast enough to keep an idle timer alive. Each timeout holds what it is for: `headers`
 * bounds the head however its bytes trickle in, `bodyIdle` a silence in the body, `total` the whole exchange.
 * (The defaults of these timeouts are not this suite's concern: each test sets the ones it needs.)
 */
import type * as net from 'node:net';
import { Session, TimeoutError } from '../../lib/index';
import { allClosed, bodyFailure, dribble, rejectionWithin, scriptedServer } from '../support/hostile';
import { closeServers } from '../support/servers';

afterEach(closeServers);

/** A head whose 70-odd bytes take well over a second at one byte every 20 ms. */
const HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nX-Slow: yes\r\n\r\n';

test('a head dribbled one byte every 20 ms: TimeoutError headers, the bytes arriving do not restart it', async () => {
  const server = await scriptedServer((socket) => dribble(socket, HEAD, 20));
  await using session = new Session(server.origin, { timeouts: { headers: 300 } });
  // Were the timer restarted by each byte, the head would complete (after > 1 s) and send() resolve.
  const error = await rejectionWithin(session.send());
  expect(error).toBeInstanceOf(TimeoutError);
  expect(error).toMatchObject({ code: 'ERR_TIMEOUT', phase: 'headers', ms: 300 });
  await allClosed(server.sockets);
});

test('a body that stops after its first bytes: TimeoutError bodyIdle', async () => {
  const server = await scriptedServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome'));
  await using session = new Session(server.origin, { timeouts: { bodyIdle: 200 } });
  const error = await rejectionWithin(session.send());
  expect(error).toBeInstanceOf(TimeoutError);
  expect(error).toMatchObject({ code: 'ERR_TIMEOUT', phase: 'bodyIdle', ms: 200 });
  await allClosed(server.sockets);
});

describe('a body dribbled one byte every 20 ms, never idle for a second', () => {
  const reply = (socket: net.Socket) => {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
    return dribble(socket, 'x'.repeat(1000), 20);
  };

  test('send(): bodyIdle never fires; total does', async () => {
    const server = await scriptedServer(reply);
    await using session = new Session(server.origin, { timeouts: { bodyIdle: 1000, total: 1500 } });
    const error = await rejectionWithin(session.send(), 5000);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT', phase: 'total', ms: 1500 });
    await allClosed(server.sockets);
  });

  test('stream(): total runs until the body has ended, so it ends the iteration too', async () => {
    const server = await scriptedServer(reply);
    await using session = new Session(server.origin, { timeouts: { bodyIdle: 1000, total: 1500 } });
    const { error, received } = await bodyFailure(await session.stream(), 5000);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT', phase: 'total', ms: 1500 });
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBeLessThan(1000);
    await allClosed(server.sockets);
  });
});
