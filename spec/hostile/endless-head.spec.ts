/**
 * Hostile servers that never end the response head: an endless status line, endless fields, blank lines
 * before the status line, 1xx responses without end. The head limits hold each; the client reads no further
 * than the limit, and closes the connection.
 */
import { LimitError, Session } from '../../lib/index';
import { allClosed, countingTcp, flood, rejectionWithin, scriptedServer } from '../support/hostile';
import { closeServers } from '../support/servers';

afterEach(closeServers);

describe('an endless head', () => {
  /**
   * Sends `prefix`, then `line` until the connection closes; returns what `send()` rejects with. The client
   * must stop at the limit: no more read than one read (64 KiB) past it, and the connection closed.
   */
  async function endless(prefix: string, line: string, protocol: { maxHeadSize?: number; maxHeaders?: number } = {}) {
    const server = await scriptedServer((socket) => flood(socket, prefix, line));
    const client = countingTcp();
    await using session = new Session(server.origin, { transport: client.factory, protocol });
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(LimitError);
    await allClosed(server.sockets);
    expect(client.bytesRead()).toBeLessThanOrEqual((protocol.maxHeadSize ?? 16 * 1024) + 64 * 1024);
    return error;
  }

  test('a status line without end: ERR_HEAD_TOO_LARGE at the 16 KiB default', async () => {
    const error = await endless('HTTP/1.1 200 ', 'x'.repeat(1024));
    expect(error).toMatchObject({ code: 'ERR_HEAD_TOO_LARGE', limit: 16 * 1024, offset: 16 * 1024, status: 431 });
  });

  test('one field value without end: ERR_HEAD_TOO_LARGE', async () => {
    const error = await endless('HTTP/1.1 200 OK\r\nX-Endless: ', 'y'.repeat(1024));
    expect(error).toMatchObject({ code: 'ERR_HEAD_TOO_LARGE', limit: 16 * 1024, offset: 16 * 1024 });
  });

  test('short fields without end: ERR_TOO_MANY_HEADERS at the 101st field', async () => {
    const status = 'HTTP/1.1 200 OK\r\n';
    const field = 'X-Field: 1\r\n';
    const error = await endless(status, field);
    expect(error).toMatchObject({ code: 'ERR_TOO_MANY_HEADERS', limit: 100, offset: status.length + 100 * field.length, status: 431 });
  });

  test('long fields without end, with maxHeaders raised: the size limit holds', async () => {
    const error = await endless('HTTP/1.1 200 OK\r\n', `X-Long: ${'z'.repeat(1000)}\r\n`, { maxHeaders: 1_000_000 });
    expect(error).toMatchObject({ code: 'ERR_HEAD_TOO_LARGE', limit: 16 * 1024 });
  });

  test('blank lines without end before the status line: they count towards the head size', async () => {
    const error = await endless('', '\r\n'.repeat(512));
    expect(error).toMatchObject({ code: 'ERR_HEAD_TOO_LARGE', limit: 16 * 1024 });
  });

  test('a smaller protocol.maxHeadSize is the one that holds', async () => {
    const error = await endless('HTTP/1.1 200 OK\r\n', `X-Long: ${'z'.repeat(100)}\r\n`, { maxHeadSize: 1024 });
    expect(error).toMatchObject({ code: 'ERR_HEAD_TOO_LARGE', limit: 1024, offset: 1024 });
  });
});

describe('endless 1xx responses', () => {
  test('100 Continue without end: ERR_TOO_MANY_INTERIM_RESPONSES after the 20 allowed', async () => {
    const interim = 'HTTP/1.1 100 Continue\r\n\r\n';
    const server = await scriptedServer((socket) => flood(socket, '', interim));
    await using session = new Session(server.origin);
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: 'ERR_TOO_MANY_INTERIM_RESPONSES', limit: 20, offset: 21 * interim.length });
    await allClosed(server.sockets);
  });

  test('103 Early Hints with fields, with maxInterimResponses 3: the fourth fails', async () => {
    const hints = 'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n';
    const server = await scriptedServer((socket) => flood(socket, '', hints));
    await using session = new Session(server.origin, { protocol: { maxInterimResponses: 3 } });
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: 'ERR_TOO_MANY_INTERIM_RESPONSES', limit: 3, offset: 4 * hints.length });
    await allClosed(server.sockets);
  });
});
