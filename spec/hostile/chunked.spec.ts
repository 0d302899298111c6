/**
 * Hostile servers that abuse the chunked framing: chunk sizes too large to represent, size lines that never
 * end (extensions, whitespace), a trailer section without end, and a body of one-byte chunks. The chunk-size
 * digit bound, maxChunkLineSize, the head limits (which apply to trailers) and maxBodySize hold each.
 */
import { LimitError, ParseError, Session } from '../../lib/index';
import { allClosed, countingTcp, flood, MiB, rejectionWithin, scriptedServer } from '../support/hostile';
import { closeServers } from '../support/servers';

afterEach(closeServers);

const CHUNKED_HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';

/** A server that sends the chunked head and `prefix`, then `piece` until the client closes. */
async function chunkedFlood(prefix: string, piece: string) {
  return scriptedServer((socket) => flood(socket, CHUNKED_HEAD + prefix, piece));
}

describe('chunk sizes', () => {
  test('twenty hex digits (far past 2^53): ParseError at the 14th digit, before any data is awaited', async () => {
    const server = await scriptedServer((socket) => socket.write(`${CHUNKED_HEAD}ffffffffffffffffffff\r\n`));
    await using session = new Session(server.origin);
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_CHUNK', offset: CHUNKED_HEAD.length + 13 });
    await allClosed(server.sockets);
  });

  test('the largest size the parser takes (13 digits), with maxBodySize: ERR_BODY_TOO_LARGE at the size line', async () => {
    const server = await scriptedServer((socket) => socket.write(`${CHUNKED_HEAD}fffffffffffff\r\n`));
    await using session = new Session(server.origin, { protocol: { maxBodySize: MiB } });
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: 'ERR_BODY_TOO_LARGE', limit: MiB, offset: CHUNKED_HEAD.length + 15, status: 413 });
    await allClosed(server.sockets);
  });
});

describe('chunk-size lines without end', () => {
  /** What `send()` rejects with; the client reads no more than one read (64 KiB) past the limit. */
  async function lineTooLong(prefix: string, piece: string, protocol: { maxChunkLineSize?: number } = {}) {
    const server = await chunkedFlood(prefix, piece);
    const client = countingTcp();
    await using session = new Session(server.origin, { transport: client.factory, protocol });
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(LimitError);
    await allClosed(server.sockets);
    expect(client.bytesRead()).toBeLessThanOrEqual(CHUNKED_HEAD.length + (protocol.maxChunkLineSize ?? 4096) + 64 * 1024);
    return error;
  }

  test('one chunk extension without end: ERR_CHUNK_LINE_TOO_LONG at the 4 KiB default', async () => {
    const error = await lineTooLong('1;ext=', 'a'.repeat(1024));
    expect(error).toMatchObject({ code: 'ERR_CHUNK_LINE_TOO_LONG', limit: 4096, offset: CHUNKED_HEAD.length + 4096, status: 400 });
  });

  test('many short extensions: the line length is what counts', async () => {
    const error = await lineTooLong('1', ';a=b');
    expect(error).toMatchObject({ code: 'ERR_CHUNK_LINE_TOO_LONG', limit: 4096, offset: CHUNKED_HEAD.length + 4096 });
  });

  test('whitespace without end after the size', async () => {
    const error = await lineTooLong('1', ' ');
    expect(error).toMatchObject({ code: 'ERR_CHUNK_LINE_TOO_LONG', offset: CHUNKED_HEAD.length + 4096 });
  });

  test('a smaller protocol.maxChunkLineSize is the one that holds', async () => {
    const error = await lineTooLong('1;', 'x', { maxChunkLineSize: 64 });
    expect(error).toMatchObject({ code: 'ERR_CHUNK_LINE_TOO_LONG', limit: 64, offset: CHUNKED_HEAD.length + 64 });
  });
});

describe('trailers without end', () => {
  const lastChunk = '5\r\nhello\r\n0\r\n';

  test('trailer fields without end: ERR_TOO_MANY_HEADERS', async () => {
    const server = await chunkedFlood(lastChunk, 'X-Trailer: 1\r\n');
    await using session = new Session(server.origin);
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: 'ERR_TOO_MANY_HEADERS', limit: 100 });
    await allClosed(server.sockets);
  });

  test('one trailer field without end: ERR_HEAD_TOO_LARGE (trailers share the head size limit)', async () => {
    const server = await chunkedFlood(`${lastChunk}X-Trailer: `, 't'.repeat(1024));
    await using session = new Session(server.origin);
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: 'ERR_HEAD_TOO_LARGE', limit: 16 * 1024, offset: CHUNKED_HEAD.length + lastChunk.length + 16 * 1024 });
    expect(error.message).toMatch(/^Trailer section/);
    await allClosed(server.sockets);
  });
});

describe('a body of one-byte chunks', () => {
  test('without end, with maxBodySize 64 KiB: ERR_BODY_TOO_LARGE after 64 Ki chunks', async () => {
    const chunk = '1\r\nx\r\n';
    const server = await chunkedFlood('', chunk);
    await using session = new Session(server.origin, { protocol: { maxBodySize: 64 * 1024 } });
    // Six bytes of framing per byte of body make this the slowest parse of the suite: a looser bound.
    const error = await rejectionWithin(session.send(), 10_000);
    expect(error).toBeInstanceOf(LimitError);
    // The chunk that goes past the limit is refused at its size line, before its data.
    expect(error).toMatchObject({ code: 'ERR_BODY_TOO_LARGE', limit: 64 * 1024, offset: CHUNKED_HEAD.length + 64 * 1024 * chunk.length + 3 });
    await allClosed(server.sockets);
  });
});
