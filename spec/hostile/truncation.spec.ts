/**
 * Hostile servers that close the connection (a clean FIN) in the middle of a response, in every part of it:
 * each is an IncompleteMessageError naming the part being read and the offset where the stream ended, never
 * a response that looks complete. Each reply goes out whole, and again dribbled one byte at a time.
 */
import type * as net from 'node:net';
import { IncompleteMessageError, Session } from '../../lib/index';
import { allClosed, bodyFailure, dribble, rejectionWithin, scriptedServer } from '../support/hostile';
import { closeServers } from '../support/servers';

afterEach(closeServers);

const CHUNKED_HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';

/** Where the stream ends, what it says up to there, and the part the error must name. */
const truncations: Array<{ where: string; reply: string; part: string }> = [
  { where: 'before the first byte', reply: '', part: 'head' },
  { where: 'in the status line', reply: 'HTTP/1.1 20', part: 'head' },
  { where: 'after the status line', reply: 'HTTP/1.1 200 OK\r\n', part: 'head' },
  { where: 'in a field name', reply: 'HTTP/1.1 200 OK\r\nContent-Ty', part: 'head' },
  { where: 'before the empty line that ends the head', reply: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n', part: 'head' },
  { where: 'in a Content-Length body', reply: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', part: 'body' },
  { where: 'before a Content-Length body', reply: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', part: 'body' },
  { where: 'before the first chunk-size line', reply: CHUNKED_HEAD, part: 'chunked body' },
  { where: 'in a chunk-size line', reply: `${CHUNKED_HEAD}5\r\nhello\r\n1`, part: 'chunked body' },
  { where: 'between CR and LF of a chunk-size line', reply: `${CHUNKED_HEAD}5\r`, part: 'chunked body' },
  { where: 'in a chunk extension', reply: `${CHUNKED_HEAD}5;name=val`, part: 'chunked body' },
  { where: 'in chunk data', reply: `${CHUNKED_HEAD}5\r\nhel`, part: 'chunked body' },
  { where: 'before the CRLF after chunk data', reply: `${CHUNKED_HEAD}5\r\nhello`, part: 'chunked body' },
  { where: 'right after the last chunk', reply: `${CHUNKED_HEAD}5\r\nhello\r\n0\r\n`, part: 'trailers' },
  { where: 'in a trailer field', reply: `${CHUNKED_HEAD}0\r\nX-Checksum: 12`, part: 'trailers' },
  { where: 'before the empty line that ends the trailers', reply: `${CHUNKED_HEAD}0\r\nX-Checksum: 1234\r\n`, part: 'trailers' },
];

const deliveries: Array<{ how: string; write: (socket: net.Socket, reply: string) => Promise<unknown> }> = [
  { how: 'whole', write: async (socket, reply) => socket.write(reply) },
  { how: 'one byte at a time', write: (socket, reply) => dribble(socket, reply, 1) },
];

describe.each(deliveries)('the server closes cleanly, the reply sent $how', ({ write }) => {
  test.each(truncations)('$where → part $part at the offset where it ended', async ({ reply, part }) => {
    const server = await scriptedServer(async (socket) => {
      await write(socket, reply);
      socket.end();
    });
    await using session = new Session(server.origin);
    // The bound covers the dribble too: up to 70-odd timer turns.
    const error = await rejectionWithin(session.send(), 5000);
    expect(error).toBeInstanceOf(IncompleteMessageError);
    expect(error).toMatchObject({ code: 'ERR_INCOMPLETE_MESSAGE', part, offset: reply.length });
    await allClosed(server.sockets);
  });
});

test('a streamed body cut short: the iteration throws, after the bytes that did arrive', async () => {
  const reply = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst forty bytes of a hundred, then FIN';
  const server = await scriptedServer((socket) => socket.end(reply));
  await using session = new Session(server.origin);
  const { error, received } = await bodyFailure(await session.stream());
  expect(error).toBeInstanceOf(IncompleteMessageError);
  expect(error).toMatchObject({ part: 'body', offset: reply.length });
  expect(error.message).toContain('40 of 100 bytes received');
  expect(received).toBe('first forty bytes of a hundred, then FIN');
  await allClosed(server.sockets);
});
