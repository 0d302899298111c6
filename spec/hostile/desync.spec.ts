/**
 * Response desync: bytes the server sends beyond a complete response (or while the connection is idle) are
 * never taken as the answer to the next request. A session without pipelining has nothing in flight after a
 * response, so the connection is closed and the next request goes on a new one; every answer stays with its own
 * request.
 */
import type * as net from 'node:net';
import { Session } from '../../lib/session/session';
import { closeServers, rawServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick } from '../support/time';

afterEach(closeServers);

const INJECTED = 'HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\ninjected';

/**
 * A server whose first connection answers its first request with `hostile` (then, if given, sends `idle`
 * after a pause); every other request, on any connection, gets an honest answer naming its own path.
 */
async function hostileServer(hostile: string, idle?: string) {
  const server = await rawServer(async (socket: net.Socket, reader, index) => {
    for (let request = await reader.request(); request; request = await reader.request()) {
      if (index === 0 && request.target === '/1') {
        socket.write(hostile);
        if (idle !== undefined) setTimeout(() => socket.write(idle), 20);
        continue;
      }
      const body = `real ${request.target}`;
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    }
  });
  return server;
}

/** Three requests in a row; each answer must be its own. */
async function threeRequests(origin: string, first: { method?: string } = {}) {
  await using session = new Session(origin, { transport: tcp });
  const one = await session.send({ path: '/1', ...first });
  await tick(60); // lets an idle injection arrive
  const two = await session.send({ path: '/2' });
  const three = await session.send({ path: '/3' });
  return { one, two: two.text(), three: three.text() };
}

describe('bytes after a response are never the next answer', () => {
  test('a body after a 204', async () => {
    const server = await hostileServer(`HTTP/1.1 204 No Content\r\n\r\n${INJECTED}`);
    const { one, two, three } = await threeRequests(server.origin);
    expect(one.status).toBe(204);
    expect([two, three]).toEqual(['real /2', 'real /3']);
    expect(server.sockets).toHaveLength(2);
  });

  test('a body after the answer to HEAD', async () => {
    const server = await hostileServer(`HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n${INJECTED}`);
    const { one, two, three } = await threeRequests(server.origin, { method: 'HEAD' });
    expect([one.status, one.body.length]).toEqual([200, 0]);
    expect([two, three]).toEqual(['real /2', 'real /3']);
    expect(server.sockets).toHaveLength(2);
  });

  test('a Content-Length overrun', async () => {
    const server = await hostileServer('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloWORLD');
    const { one, two, three } = await threeRequests(server.origin);
    expect(one.text()).toBe('hello');
    expect([two, three]).toEqual(['real /2', 'real /3']);
    expect(server.sockets).toHaveLength(2);
  });

  test('a second response glued to the first', async () => {
    const server = await hostileServer(`HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst${INJECTED}`);
    const { one, two, three } = await threeRequests(server.origin);
    expect(one.text()).toBe('first');
    expect([two, three]).toEqual(['real /2', 'real /3']);
    expect(server.sockets).toHaveLength(2);
  });

  test('a response that arrives while the connection is idle', async () => {
    const server = await hostileServer('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst', INJECTED);
    const { one, two, three } = await threeRequests(server.origin);
    expect(one.text()).toBe('first');
    expect([two, three]).toEqual(['real /2', 'real /3']);
    expect(server.sockets).toHaveLength(2);
    // The spoiled connection was closed by the client, not left open.
    await tick(20);
    expect(server.sockets[0]!.destroyed || server.sockets[0]!.readableEnded).toBe(true);
  });

  test('an honest keep-alive server keeps one connection', async () => {
    const server = await hostileServer('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst');
    const { two, three } = await threeRequests(server.origin);
    expect([two, three]).toEqual(['real /2', 'real /3']);
    expect(server.sockets).toHaveLength(1);
  });
});
