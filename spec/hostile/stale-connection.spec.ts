/**
 * Reusing a connection the server already closed: servers close idle connections when they like (nginx,
 * Apache, lighttpd, aiohttp, Tornado, Twisted after their keep-alive timeout; Hypercorn right after answering
 * a request whose body the app did not read). The session sees the close while the connection is idle and
 * opens a new one, so even a POST goes through; and a request whose first write failed before the transport
 * took any byte is sent again on a new connection, whatever its method.
 */
import type * as net from 'node:net';
import { TransportError } from '../../lib/message/errors';
import { Session } from '../../lib/session/session';
import type { Transport, TransportFactory, TransportOptions } from '../../lib/transport/transport';
import { closeServers, rawServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick, until } from '../support/time';

afterEach(closeServers);

/** Answers every request with its method, path and body; closes each connection after `idleMs` without a request. */
async function idleClosingServer(idleMs: number) {
  const received: string[] = [];
  const server = await rawServer(async (socket: net.Socket, reader) => {
    socket.setTimeout(idleMs, () => socket.end());
    for (let request = await reader.request(); request; request = await reader.request()) {
      const body = `${request.method} ${request.target} ${request.body.toString('latin1')}`;
      received.push(body);
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    }
  });
  return { server, received };
}

describe('a connection the server closed is never written to', () => {
  test('after the server closed it for idleness, a POST goes on a new connection', async () => {
    const { server, received } = await idleClosingServer(30);
    await using session = new Session(server.origin, { transport: tcp });
    expect((await session.send({ path: '/a' })).text()).toBe('GET /a ');
    // Waits for the server's close itself (not a fixed time, which a loaded machine can outrun), then lets the
    // client's socket see it.
    await until(() => server.sockets[0]?.closed === true, () => 'the server closes the idle connection');
    await tick(20);
    expect((await session.send({ method: 'POST', path: '/b', body: 'payload' })).text()).toBe('POST /b payload');
    expect(received).toEqual(['GET /a ', 'POST /b payload']);
    expect(server.sockets).toHaveLength(2);
  });

  test('a server that closes right after answering (without Connection: close): the next POST goes on a new connection', async () => {
    const received: string[] = [];
    const server = await rawServer(async (socket, reader) => {
      const request = await reader.head(); // the body is not read, as Hypercorn's app did not
      if (!request) return;
      received.push(`${request.method} ${request.target}`);
      socket.end('HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\n\r\n');
    });
    await using session = new Session(server.origin, { transport: tcp });
    expect((await session.send({ method: 'POST', path: '/1', body: 'x'.repeat(100) })).status).toBe(413);
    expect((await session.send({ method: 'POST', path: '/2', body: 'y' })).status).toBe(413);
    expect((await session.send({ method: 'POST', path: '/3', body: 'z' })).status).toBe(413);
    expect(received).toEqual(['POST /1', 'POST /2', 'POST /3']);
    expect(server.sockets).toHaveLength(3);
  });

  test('a first write refused on a closed connection (nothing sent) is retried for a POST', async () => {
    // A transport that learns of the peer's close only when it writes (as some runtimes' sockets do): its
    // reads stay silent after the peer ended, and its first write then fails with ERR_TRANSPORT_CLOSED.
    class LateCloseTransport implements Transport {
      readonly secure = false;
      private peerEnded = false;
      constructor(private readonly inner: Transport) {}
      async read(): Promise<Uint8Array | null> {
        const chunk = await this.inner.read();
        if (chunk !== null) return chunk;
        this.peerEnded = true;
        return new Promise<null>(() => {}); // never told
      }
      write(bytes: Uint8Array): Promise<void> {
        if (this.peerEnded) return Promise.reject(new TransportError('closed', { code: 'ERR_TRANSPORT_CLOSED' }));
        return this.inner.write(bytes);
      }
      close(): Promise<void> {
        return this.inner.close();
      }
    }
    const factory: TransportFactory = { open: async (url: URL, options: TransportOptions) => new LateCloseTransport(await tcp.open(url, options)) };
    const { server, received } = await idleClosingServer(20);
    await using session = new Session(server.origin, { transport: factory });
    await session.send({ path: '/a' });
    await until(() => server.sockets[0]?.closed === true, () => 'the server closes the idle connection');
    await tick(20);
    expect((await session.send({ method: 'POST', path: '/b', body: 'once' })).text()).toBe('POST /b once');
    expect(received).toEqual(['GET /a ', 'POST /b once']);
    expect(server.sockets).toHaveLength(2);
  });
});
