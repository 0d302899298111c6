/**
 * A final response that arrives while the request body is still being sent (RFC 9112 §9.5): a server that
 * refuses an upload (413, 401) answers at once, often with `Connection: close`, and stops reading. The client
 * reads while it writes, stops sending, and returns that response instead of failing on the broken write.
 */
import { Session } from '../../lib/session/session';
import { pieces } from '../support/body';
import { closeServers, rawServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick } from '../support/time';

afterEach(closeServers);

const MiB = 1024 * 1024;

/** 32 MiB as a stream of 64 KiB pieces, counting what was pulled. */
function bigStream(counter: { pulled: number }): AsyncIterable<Uint8Array> {
  const piece = new Uint8Array(64 * 1024).fill(0x61);
  return {
    async *[Symbol.asyncIterator]() {
      for (let sent = 0; sent < 32 * MiB; sent += piece.length) {
        counter.pulled += piece.length;
        yield piece;
      }
    },
  };
}

/** Reads the request head, then answers 413 with Connection: close and half-closes, reading nothing more. */
async function refusingServer(close: 'end' | 'keep-reading') {
  return rawServer(async (socket, reader) => {
    const head = await reader.head();
    if (!head) return;
    socket.write('HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\nContent-Length: 8\r\n\r\ntoo big!');
    if (close === 'end') {
      socket.pause(); // stops reading: the client's writes back up
      socket.end();
    }
  });
}

describe('an early final response during an upload', () => {
  test('a streamed 32 MiB body: the 413 is returned, the rest is not sent', async () => {
    const server = await refusingServer('end');
    await using session = new Session(server.origin, { transport: tcp });
    const counter = { pulled: 0 };
    const started = Date.now();
    const response = await session.send({ method: 'PUT', path: '/upload', body: bigStream(counter) });
    expect([response.status, response.text()]).toEqual([413, 'too big!']);
    expect(counter.pulled).toBeLessThan(32 * MiB);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('a 32 MiB Uint8Array body: the 413 is returned', async () => {
    const server = await refusingServer('end');
    await using session = new Session(server.origin, { transport: tcp });
    const response = await session.send({ method: 'POST', body: new Uint8Array(32 * MiB) });
    expect([response.status, response.text()]).toEqual([413, 'too big!']);
  });

  test('the server answers early but keeps the connection: the response is returned, the connection not reused', async () => {
    const server = await rawServer(async (socket, reader, index) => {
      const head = await reader.head();
      if (!head) return;
      if (index === 0) socket.write('HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\nnope');
      else {
        await reader.bytes(Number(head.headers['content-length'] ?? 0));
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      }
    });
    await using session = new Session(server.origin, { transport: tcp });
    const counter = { pulled: 0 };
    const refused = await session.send({ method: 'PUT', body: bigStream(counter) });
    expect(refused.status).toBe(401);
    // The body was cut short: the server may read its rest as a request, so the connection is closed.
    expect((await session.send()).text()).toBe('ok');
    expect(server.sockets).toHaveLength(2);
  });

  test('an interim 100 during the upload does not stop it', async () => {
    const early = await rawServer(async (socket, reader) => {
      const head = await reader.head();
      if (!head) return;
      socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      const body = await reader.chunked();
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${String(body.length).length}\r\n\r\n${body.length}`);
    });
    await using session = new Session(early.origin, { transport: tcp });
    const slow = (async function* () {
      for (let i = 0; i < 20; i++) {
        await tick(2);
        yield new Uint8Array(1000);
      }
    })();
    const response = await session.send({ method: 'POST', body: slow });
    expect([response.status, response.text()]).toEqual([200, '20000']);
    expect(response.interim.map((r) => r.status)).toEqual([100]);
  });

  test('a server that closes without answering during the upload: a typed error, not a hang', async () => {
    const server = await rawServer(async (socket, reader) => {
      await reader.head();
      socket.destroy();
    });
    await using session = new Session(server.origin, { transport: tcp });
    const error = await session.send({ method: 'POST', body: pieces('a'.repeat(100000), 'b'.repeat(100000)) }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toMatch(/^ERR_(INCOMPLETE_MESSAGE|CONNECTION_RESET|TRANSPORT_CLOSED|TRANSPORT)$/);
  });
});
