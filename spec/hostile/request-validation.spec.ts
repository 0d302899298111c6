/**
 * Every request is checked before a connection is opened: a bad body, URL, method or header field is a typed
 * UsageError, and the server sees nothing at all (not even a connection).
 */
import { UsageError } from '../../lib/message/errors';
import { Session } from '../../lib/session/session';
import { rejection } from '../support/failures';
import { closeServers, rawServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick } from '../support/time';

afterEach(closeServers);

async function silentServer() {
  const received: string[] = [];
  const server = await rawServer((socket) => socket.on('data', (chunk: Buffer) => received.push(chunk.toString('latin1'))));
  return { server, received };
}

describe('a bad request never reaches the wire', () => {
  const badBodies: Array<[string, unknown]> = [
    ['a number', 42],
    ['a plain object', { a: 1 }],
    ['null', null],
    ['a Date', new Date(0)],
    ['an array', [1, 2, 3]],
    ['a boolean', true],
  ];
  test.each(badBodies)('a body that is %s: UsageError ERR_INVALID_BODY', async (_what, body) => {
    const { server, received } = await silentServer();
    await using session = new Session(server.origin, { transport: tcp });
    const error = await rejection(session.send({ method: 'POST', body: body as never }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('ERR_INVALID_BODY');
    await tick(20);
    expect(server.sockets).toHaveLength(0);
    expect(received).toEqual([]);
  });

  test.each([
    ['a path that is not a URL', { path: 'http://exa mple.com/x' }, 'ERR_INVALID_URL'],
    ['a path with a bad port', { path: 'http://127.0.0.1:99999/' }, 'ERR_INVALID_URL'],
    ['a method that is not a token', { method: 'GE T' }, 'ERR_INVALID_REQUEST'],
    ['a header name with a space', { headers: { 'x bad': '1' } }, 'ERR_INVALID_HEADER'],
    ['a header value with CR LF (injection)', { headers: { 'x-a': 'ok\r\nX-Injected: 1' } }, 'ERR_INVALID_HEADER'],
    ['a header value with NUL', { headers: { 'x-a': 'a\u0000b' } }, 'ERR_INVALID_HEADER'],
    ['Transfer-Encoding set by hand', { headers: { 'transfer-encoding': 'chunked' }, body: 'x' }, 'ERR_INVALID_REQUEST'],
  ])('%s: UsageError %s', async (_what, options, code) => {
    const { server, received } = await silentServer();
    await using session = new Session(server.origin, { transport: tcp });
    let error: unknown;
    try {
      await session.send(options as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe(code);
    await tick(20);
    expect(server.sockets).toHaveLength(0);
    expect(received).toEqual([]);
  });
});
