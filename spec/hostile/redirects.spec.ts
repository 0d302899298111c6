/**
 * Hostile redirects: loops (on one origin, between two, each hop with a body without end), and redirects that
 * try to carry credentials to another origin. maxRedirects ends every loop with a RedirectError, a redirect's
 * body is read only up to a bound, and Authorization, Cookie and Proxy-Authorization never reach the second
 * origin — checked on the server that received the request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { RedirectError, Session } from '../../lib/index';
import { allClosed, countingTcp, flood, rejectionWithin, scriptedServer } from '../support/hostile';
import { closeServers, httpServer } from '../support/servers';

afterEach(closeServers);

/** A node:http server that answers every request with `status` and a Location made from the request path; it records the requests. */
async function redirecting(status: number, location: (path: string) => string) {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const server = await httpServer((req, res) => {
    seen.push({ url: req.url!, headers: req.headers });
    res.writeHead(status, { Location: location(req.url!) });
    res.end();
  });
  return { ...server, seen };
}

/** A node:http server that answers 200 and records the requests. */
async function landing() {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const server = await httpServer((req, res) => {
    seen.push({ url: req.url!, headers: req.headers });
    res.end('landed');
  });
  return { ...server, seen };
}

describe('redirect loops', () => {
  test('to itself without end: ERR_TOO_MANY_REDIRECTS after the 20 followed by default', async () => {
    let hop = 0;
    const server = await redirecting(302, () => `/hop/${++hop}`);
    await using session = new Session(server.origin);
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.code).toBe('ERR_TOO_MANY_REDIRECTS');
    expect(server.seen).toHaveLength(21);
  });

  test('with maxRedirects 3 (per request): the fourth redirect fails', async () => {
    const server = await redirecting(307, (path) => path);
    await using session = new Session(server.origin);
    const error = await rejectionWithin(session.send({ maxRedirects: 3 }));
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.code).toBe('ERR_TOO_MANY_REDIRECTS');
    expect(server.seen).toHaveLength(4);
  });

  test('between two origins: one kept-alive connection to each carries every hop, and both are closed', async () => {
    let b!: Awaited<ReturnType<typeof redirecting>>;
    const a = await redirecting(302, () => `${b.origin}/b`);
    b = await redirecting(302, () => `${a.origin}/a`);
    await using session = new Session(a.origin);
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.code).toBe('ERR_TOO_MANY_REDIRECTS');
    expect(a.seen.length + b.seen.length).toBe(21);
    expect([a.sockets.length, b.sockets.length]).toEqual([1, 1]);
    await session.close();
    await allClosed([...a.sockets, ...b.sockets]);
  });

  test('each hop with a body without end: each read only up to a bound, and its connection closed', async () => {
    const redirect = 'HTTP/1.1 302 Found\r\nLocation: /again\r\nTransfer-Encoding: chunked\r\n\r\n';
    const server = await scriptedServer((socket) => flood(socket, redirect, `4000\r\n${'r'.repeat(0x4000)}\r\n`));
    const client = countingTcp();
    await using session = new Session(server.origin, { transport: client.factory });
    const error = await rejectionWithin(session.send(), 5000);
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.code).toBe('ERR_TOO_MANY_REDIRECTS');
    expect(server.sockets).toHaveLength(21);
    await session.close();
    await allClosed(server.sockets);
    // The session reads 64 KiB of a redirect's body, plus at most one read (64 KiB) past it, per hop.
    expect(client.bytesRead()).toBeLessThanOrEqual(21 * (redirect.length + 128 * 1024));
  });
});

describe('credentials on a redirect to another origin', () => {
  const credentials = { Authorization: 'Bearer secret-token', Cookie: 'session=secret', 'Proxy-Authorization': 'Basic c2VjcmV0OnNlY3JldA==' };

  test.each([301, 302, 303, 307, 308])('%i: the second origin receives none of them; other fields go on', async (status) => {
    const second = await landing();
    const first = await redirecting(status, () => `${second.origin}/landing`);
    await using session = new Session(first.origin);
    const response = await session.send({ headers: { ...credentials, 'X-Trace': 'kept' } });
    expect(response.text()).toBe('landed');
    expect(first.seen[0].headers).toMatchObject({ authorization: 'Bearer secret-token', cookie: 'session=secret', 'proxy-authorization': credentials['Proxy-Authorization'] });
    expect(second.seen).toHaveLength(1);
    const received = second.seen[0].headers;
    expect(received.authorization).toBeUndefined();
    expect(received.cookie).toBeUndefined();
    expect(received['proxy-authorization']).toBeUndefined();
    expect(received['x-trace']).toBe('kept');
  });

  test('the session’s auth and credentials in its URL are sent to its origin only', async () => {
    const second = await landing();
    const first = await redirecting(302, () => `${second.origin}/landing`);
    const sessions = [
      { open: () => new Session(first.origin, { auth: { bearer: 'session-token' } }), sent: 'Bearer session-token' },
      { open: () => new Session(first.origin.replace('http://', 'http://user:pa55@')), sent: `Basic ${Buffer.from('user:pa55').toString('base64')}` },
    ];
    for (const { open, sent } of sessions) {
      await using session = open();
      expect((await session.send()).text()).toBe('landed');
      expect(first.seen.at(-1)!.headers.authorization).toBe(sent);
      expect(second.seen.at(-1)!.headers.authorization).toBeUndefined();
    }
    expect(second.seen).toHaveLength(2);
  });

  test('a redirect within the origin keeps them (what the stripping is measured against)', async () => {
    const server = await httpServer((req, res) => {
      if (req.url === '/') res.writeHead(302, { Location: '/landing' }).end();
      else res.end(JSON.stringify(req.headers));
    });
    await using session = new Session(server.origin);
    const received = (await session.send({ headers: credentials })).json<IncomingHttpHeaders>();
    expect(received).toMatchObject({ authorization: 'Bearer secret-token', cookie: 'session=secret', 'proxy-authorization': credentials['Proxy-Authorization'] });
  });
});
