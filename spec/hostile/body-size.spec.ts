/**
 * Hostile servers that send more body than a client wants: a Content-Length too large to represent or past
 * the limit, and bodies without end (chunked, or delimited by the connection's close). `protocol.maxBodySize`
 * holds each; a streamed response holds no more than the piece being read, however much passes through.
 */
import { LimitError, ParseError, Session } from '../../lib/index';
import { allClosed, countingTcp, flood, MemoryProbe, MiB, rejectionWithin, scriptedServer } from '../support/hostile';
import { closeServers } from '../support/servers';
import { tick } from '../support/time';

afterEach(closeServers);

/** 64 KiB of body, and the same as one chunk. */
const PIECE = 'b'.repeat(64 * 1024);
const CHUNK = `10000\r\n${PIECE}\r\n`;

describe('Content-Length', () => {
  test('twenty digits: ParseError ERR_INVALID_CONTENT_LENGTH at the end of the head', async () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n';
    const server = await scriptedServer((socket) => socket.write(head));
    await using session = new Session(server.origin);
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_CONTENT_LENGTH', offset: head.length });
    await allClosed(server.sockets);
  });

  test('past maxBodySize: ERR_BODY_TOO_LARGE at the head, before any body byte is read', async () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 999999999999999\r\n\r\n';
    const server = await scriptedServer((socket) => flood(socket, head, PIECE));
    await using session = new Session(server.origin, { protocol: { maxBodySize: MiB } });
    const error = await rejectionWithin(session.stream());
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: 'ERR_BODY_TOO_LARGE', limit: MiB, offset: head.length, status: 413 });
    await allClosed(server.sockets);
  });
});

describe('a body without end', () => {
  /**
   * Streams the body of a server that sends `head` then `piece` without end, counting what the consumer got
   * and sampling the memory at each megabyte; returns the error, the bytes received and the memory growth.
   */
  async function streamed(head: string, piece: string, maxBodySize: number) {
    const server = await scriptedServer((socket) => flood(socket, head, piece));
    await using session = new Session(server.origin, { protocol: { maxBodySize } });
    const probe = new MemoryProbe();
    const sample = probe.every(MiB);
    let received = 0;
    const error = await rejectionWithin(
      (async () => {
        const response = await session.stream();
        for await (const bytes of response.body) sample((received += bytes.length));
      })(),
      10_000,
    );
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: 'ERR_BODY_TOO_LARGE', limit: maxBodySize });
    await allClosed(server.sockets);
    return { error, received, growth: probe.growth };
  }

  test('chunked, streamed with maxBodySize 16 MiB: the consumer gets the 16 MiB, the client holds far less', async () => {
    const { received, growth } = await streamed('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', CHUNK, 16 * MiB);
    expect(received).toBe(16 * MiB);
    expect(growth).toBeLessThan(4 * MiB);
  });

  test('delimited by close, streamed with maxBodySize 16 MiB: the same', async () => {
    const { error, received, growth } = await streamed('HTTP/1.1 200 OK\r\n\r\n', PIECE, 16 * MiB);
    expect(received).toBeLessThanOrEqual(16 * MiB);
    expect(received).toBeGreaterThan(15 * MiB);
    // The offset is that of the first byte past the limit.
    expect(error.offset).toBe('HTTP/1.1 200 OK\r\n\r\n'.length + 16 * MiB);
    expect(growth).toBeLessThan(4 * MiB);
  });

  test('no maxBodySize, a consumer that stops reading: the client stops reading the socket too, its memory stays flat', async () => {
    const server = await scriptedServer((socket) => flood(socket, 'HTTP/1.1 200 OK\r\n\r\n', PIECE));
    await using session = new Session(server.origin);
    const response = await session.stream();
    await response.body[Symbol.asyncIterator]().next();
    // Loopback moves hundreds of megabytes a second: a client that kept reading into a queue would show here.
    const probe = new MemoryProbe();
    for (let i = 0; i < 5; i++) {
      await tick(60);
      probe.sample();
    }
    expect(probe.growth).toBeLessThan(4 * MiB);
    await response.cancel();
    await allClosed(server.sockets);
  });

  test('chunked, read whole by send() with maxBodySize 4 MiB: it holds no more than about the limit', async () => {
    const server = await scriptedServer((socket) => flood(socket, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', CHUNK));
    const probe = new MemoryProbe();
    const client = countingTcp(probe.every(MiB / 2));
    await using session = new Session(server.origin, { transport: client.factory, protocol: { maxBodySize: 4 * MiB } });
    const error = await rejectionWithin(session.send(), 5000);
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: 'ERR_BODY_TOO_LARGE', limit: 4 * MiB });
    await allClosed(server.sockets);
    expect(client.bytesRead()).toBeLessThanOrEqual(4 * MiB + 128 * 1024);
    expect(probe.growth).toBeLessThan(8 * MiB);
  });
});
