/**
 * The session through a real loopback proxy (spec/support/proxy.ts): plain http: forwarded in absolute-form,
 * https: through a CONNECT tunnel with NodeTls and with ForgeTls, proxy credentials, refusals, the pool key,
 * and the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY). Each test checks what the proxy and the origin
 * each received.
 */
import * as https from 'node:https';
import { ForgeTls } from '../../adapters/forge-tls';
import * as net from 'node:net';
import { NodeTcp, ProxyError, TimeoutError, TlsError, UsageError } from '../../lib/index';
import type { Transport, TransportFactory } from '../../lib/transport/transport';
import { Session } from '../../lib/session/session';
import { createCa, localhostCert } from '../support/certs';
import { rejection, usageError } from '../support/failures';
import { forwardingProxy } from '../support/proxy';
import { until } from '../support/time';
import { closeServers, type Echo, echoRequest, httpServer, listen } from '../support/servers';

afterEach(closeServers);

const cert = localhostCert();
const tls = { ca: cert.caPem };
const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** An https: echo origin on 127.0.0.1, counting the TLS connections it accepted. */
async function httpsOrigin(): Promise<{ origin: string; connections: () => number }> {
  const { origin, sockets } = await listen(https.createServer({ key: cert.keyPem, cert: cert.certPem }, echoRequest), { scheme: 'https' });
  return { origin, connections: () => sockets.length };
}

describe('plain http: through a forwarding proxy', () => {
  test('the request goes to the proxy in absolute-form, Host is the origin, the origin answers', async () => {
    const origin = await httpServer(echoRequest);
    const proxy = await forwardingProxy();
    await using session = new Session(`${origin.origin}/base/`, { proxy: proxy.url });
    const response = await session.send({ path: 'items?x=1#fragment' });
    expect(response.status).toBe(200);
    expect(proxy.requests).toHaveLength(1);
    expect(proxy.requests[0]!.target).toBe(`${origin.origin}/base/items?x=1`);
    expect(proxy.requests[0]!.headers.host).toBe(origin.origin.slice('http://'.length));
    const echo = response.json<Echo>();
    expect(echo).toMatchObject({ method: 'GET', url: '/base/items?x=1' });
    expect(response.url).toBe(`${origin.origin}/base/items?x=1#fragment`);
  });

  test('proxy credentials go to the proxy with every request, never to the origin; one proxy connection serves two origins', async () => {
    const first = await httpServer(echoRequest);
    const second = await httpServer(echoRequest);
    const proxy = await forwardingProxy({ credentials: { user: 'pu', pass: 'p:w' } });
    await using session = new Session(first.origin, { proxy: new URL(`http://pu:p%3Aw@127.0.0.1:${proxy.port}`), auth: { basic: { user: 'ou', pass: 'op' } } });
    const a = await session.send({ path: '/a' });
    const b = await session.send({ path: `${second.origin}/b` });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(proxy.requests.map((r) => r.headers['proxy-authorization'])).toEqual([basic('pu', 'p:w'), basic('pu', 'p:w')]);
    expect(proxy.requests.map((r) => r.target)).toEqual([`${first.origin}/a`, `${second.origin}/b`]);
    expect(proxy.connections()).toBe(1);
    const echoes = [a.json<Echo>(), b.json<Echo>()];
    expect(echoes.map((e) => e.headers['proxy-authorization'])).toEqual([undefined, undefined]);
    // The session's own credentials still go to its origin only.
    expect(echoes.map((e) => e.headers.authorization)).toEqual([basic('ou', 'op'), undefined]);
  });

  test("the session's own transport for http: is the one that connects to the proxy", async () => {
    const origin = await httpServer(echoRequest);
    const proxy = await forwardingProxy();
    const opened: string[] = [];
    const counting: TransportFactory = {
      open: (url, options): Promise<Transport> => {
        opened.push(url.href);
        return new NodeTcp().open(url, options);
      },
    };
    await using session = new Session(origin.origin, { proxy: proxy.url, transport: counting });
    expect((await session.send()).status).toBe(200);
    expect(opened).toEqual([`${proxy.url}/`]);
    expect(proxy.requests).toHaveLength(1);
  });

  test('a 407 from the proxy is the response, with its challenges', async () => {
    const origin = await httpServer(echoRequest);
    const proxy = await forwardingProxy({ credentials: { user: 'u', pass: 'p' } });
    await using session = new Session(origin.origin, { proxy: proxy.url });
    const response = await session.send();
    expect(response.status).toBe(407);
    expect(response.text()).toBe('proxy credentials required');
    expect(response.challenges).toEqual([{ scheme: 'Basic', params: { realm: 'test proxy', charset: 'UTF-8' } }]);
  });

  test('a redirect to a host the resolver leaves direct: no proxy, no proxy credentials there', async () => {
    const direct = await httpServer(echoRequest);
    const origin = await httpServer((_req, res) => {
      res.writeHead(302, { Location: `${direct.origin}/landed` });
      res.end();
    });
    const proxy = await forwardingProxy({ credentials: { user: 'u', pass: 'p' } });
    const proxyUrl = `http://u:p@127.0.0.1:${proxy.port}`;
    await using session = new Session(origin.origin, { proxy: (url) => (url.port === String(origin.port) ? proxyUrl : undefined) });
    const response = await session.send();
    expect(response.status).toBe(200);
    expect(response.redirects).toEqual([{ status: 302, url: `${origin.origin}/` }]);
    expect(proxy.requests.map((r) => r.target)).toEqual([`${origin.origin}/`]);
    const echo = response.json<Echo>();
    expect(echo.url).toBe('/landed');
    expect(echo.headers['proxy-authorization']).toBeUndefined();
  });
});

describe('https: through a CONNECT tunnel', () => {
  test('NodeTls over the tunnel: CONNECT host:port with the proxy credentials only; the tunnel is kept for the next request', async () => {
    const origin = await httpsOrigin();
    const proxy = await forwardingProxy({ credentials: { user: 'pu', pass: 'pp' } });
    const authority = origin.origin.slice('https://'.length);
    await using session = new Session(origin.origin, { proxy: `http://pu:pp@127.0.0.1:${proxy.port}`, tls, auth: { bearer: 'origin-token' } });
    // A Proxy-Authorization set on the request is the proxy's field too: it never goes through the tunnel.
    const first = await session.send({ path: '/one', headers: { 'Proxy-Authorization': 'Basic bGVhaw==' } });
    const second = await session.send({ method: 'POST', path: '/two', body: 'hi' });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(proxy.connects).toHaveLength(1);
    expect(proxy.connects[0]).toMatchObject({ method: 'CONNECT', target: authority });
    expect(proxy.connects[0]!.headers).toMatchObject({ host: authority, 'proxy-authorization': basic('pu', 'pp') });
    expect(proxy.connects[0]!.headers.authorization).toBeUndefined();
    expect(proxy.requests).toHaveLength(0);
    const echoes = [first.json<Echo>(), second.json<Echo>()];
    expect(echoes.map((e) => [e.method, e.url, e.body])).toEqual([
      ['GET', '/one', ''],
      ['POST', '/two', 'hi'],
    ]);
    expect(echoes.map((e) => e.headers['proxy-authorization'])).toEqual([undefined, undefined]);
    expect(echoes.map((e) => e.headers.authorization)).toEqual(['Bearer origin-token', 'Bearer origin-token']);
    expect(origin.connections()).toBe(1);
    expect(first.timings.connect).toBeGreaterThanOrEqual(0);
    expect(second.timings.connect).toBeUndefined();
    // Closing the session closes the TLS socket, its Duplex, and so the connection to the proxy.
    await session.close();
    await until(() => proxy.openConnections() === 0, () => `${proxy.openConnections()} proxy connections open`);
  });

  test.each([
    ['by name', (): string => 'forge-tls'],
    ['as a factory', (): TransportFactory => new ForgeTls()],
  ])('ForgeTls over the tunnel (%s)', async (_how, transport) => {
    const origin = await httpsOrigin();
    const proxy = await forwardingProxy();
    await using session = new Session(`${origin.origin}/x`, { proxy: proxy.url, transport: transport(), tls });
    const response = await session.send();
    expect(response.status).toBe(200);
    expect(response.json<Echo>().url).toBe('/x');
    expect(proxy.connects.map((c) => c.target)).toEqual([origin.origin.slice('https://'.length)]);
    expect(origin.connections()).toBe(1);
    await session.close();
    await until(() => proxy.openConnections() === 0, () => `${proxy.openConnections()} proxy connections open`);
  });

  test.each([
    ['NodeTls', undefined],
    ['ForgeTls', 'forge-tls'],
  ])('%s over the tunnel: the handshake is bounded by timeouts.tls, and the proxy connection closed', async (_name, transport) => {
    const silent = await listen(net.createServer((socket) => socket.resume()), { scheme: 'https' });
    const proxy = await forwardingProxy();
    await using session = new Session(silent.origin, { proxy: proxy.url, tls, timeouts: { tls: 200 }, ...(transport ? { transport } : {}) });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT', phase: 'tls' });
    expect(proxy.connects).toHaveLength(1);
    await until(() => proxy.openConnections() === 0, () => `${proxy.openConnections()} proxy connections open`);
  });

  test('a proxy that never answers the CONNECT: the headers timeout, and its connection closed', async () => {
    const silent = await listen(net.createServer((socket) => socket.resume()));
    await using session = new Session('https://127.0.0.1:9/', { proxy: silent.origin, tls, timeouts: { headers: 200 } });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: 'headers' });
    expect(silent.sockets).toHaveLength(1);
    await until(() => silent.sockets[0]!.destroyed, () => 'the proxy connection is still open');
  });

  test('the origin certificate is checked end to end: an untrusted one is TlsError untrusted', async () => {
    const origin = await httpsOrigin();
    const proxy = await forwardingProxy();
    await using session = new Session(origin.origin, { proxy: proxy.url, tls: { ca: createCa('another CA').certPem } });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ reason: 'untrusted' });
  });

  test('a 407 to CONNECT is ProxyError ERR_PROXY_AUTH_REQUIRED with the status and the challenges; nothing reaches the origin', async () => {
    const origin = await httpsOrigin();
    const proxy = await forwardingProxy({ credentials: { user: 'u', pass: 'p' } });
    await using session = new Session(origin.origin, { proxy: `http://u:wrong@127.0.0.1:${proxy.port}`, tls });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({ code: 'ERR_PROXY_AUTH_REQUIRED', status: 407 });
    expect(error.challenges).toEqual([{ scheme: 'Basic', params: { realm: 'test proxy', charset: 'UTF-8' } }]);
    expect(error.message).not.toContain('wrong');
    expect(origin.connections()).toBe(0);
  });

  test('any other refusal is ProxyError ERR_PROXY_CONNECT with the status', async () => {
    const origin = await httpsOrigin();
    const proxy = await forwardingProxy({ refuseConnect: { status: 403 } });
    await using session = new Session(origin.origin, { proxy: proxy.url, tls });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({ code: 'ERR_PROXY_CONNECT', status: 403 });
    expect(origin.connections()).toBe(0);
  });

  test('a 401 to CONNECT (as tinyproxy sends) is the proxy asking for credentials too, its challenges from WWW-Authenticate', async () => {
    const proxy = await forwardingProxy({ refuseConnect: { status: 401, fields: 'WWW-Authenticate: Basic realm="Tinyproxy"\r\n' } });
    await using session = new Session('https://127.0.0.1:9/', { proxy: proxy.url, tls });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({ code: 'ERR_PROXY_AUTH_REQUIRED', status: 401 });
    expect(error.challenges).toEqual([{ scheme: 'Basic', params: { realm: 'Tinyproxy' } }]);
    expect(error.message).toContain('put them in the proxy URL');
  });

  test('a direct connection and a tunnel to the same origin are different connections of the pool', async () => {
    const origin = await httpsOrigin();
    const proxy = await forwardingProxy();
    await using session = new Session(origin.origin, { proxy: (url) => (url.pathname.startsWith('/via') ? proxy.url : undefined), tls });
    for (const path of ['/direct', '/via', '/direct', '/via']) expect((await session.send({ path })).json<Echo>().url).toBe(path);
    expect(proxy.connects).toHaveLength(1);
    expect(origin.connections()).toBe(2);
  });

  test('a transport without wrap() cannot run over a tunnel: ERR_NO_TRANSPORT, nothing opened', async () => {
    const proxy = await forwardingProxy();
    const opened: string[] = [];
    const plain: TransportFactory = {
      open: (url): Promise<Transport> => {
        opened.push(url.href);
        return new NodeTcp().open(url, {});
      },
    };
    await using session = new Session('https://127.0.0.1:9/', { proxy: proxy.url, transport: plain });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('ERR_NO_TRANSPORT');
    expect(opened).toEqual([]);
    expect(proxy.connections()).toBe(0);
  });
});

describe('the proxy option', () => {
  test('only http: proxy URLs; a bad one fails at construction without showing the credentials', () => {
    expect(usageError(() => new Session('http://a.test/', { proxy: 'https://u:secret@proxy.test:3128' }), 'ERR_INVALID_OPTION').message).not.toContain('secret');
    usageError(() => new Session('http://a.test/', { proxy: 'socks5://proxy.test:1080' }), 'ERR_INVALID_OPTION');
    usageError(() => new Session('http://a.test/', { proxy: 'http://[bad' }), 'ERR_INVALID_OPTION');
  });

  test('host:port without a scheme is an http: proxy', async () => {
    const origin = await httpServer(echoRequest);
    const proxy = await forwardingProxy();
    await using session = new Session(origin.origin, { proxy: `127.0.0.1:${proxy.port}` });
    expect((await session.send()).status).toBe(200);
    expect(proxy.requests).toHaveLength(1);
  });
});

describe('the environment (the io-http entry)', () => {
  const NAMES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY', 'REQUEST_METHOD'];
  let saved: Record<string, string | undefined>;
  beforeEach(() => {
    saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
  });
  afterEach(() => {
    for (const name of NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  test('HTTP_PROXY is honoured by default; proxy: false ignores it', async () => {
    const origin = await httpServer(echoRequest);
    const proxy = await forwardingProxy();
    process.env.HTTP_PROXY = proxy.url;
    await using viaEnv = new Session(origin.origin);
    expect((await viaEnv.send()).status).toBe(200);
    expect(proxy.requests).toHaveLength(1);
    await using direct = new Session(origin.origin, { proxy: false });
    expect((await direct.send()).status).toBe(200);
    expect(proxy.requests).toHaveLength(1);
  });

  test('http_proxy (lower case) wins over HTTP_PROXY; HTTP_PROXY is ignored in a CGI program (REQUEST_METHOD set)', async () => {
    const origin = await httpServer(echoRequest);
    const lower = await forwardingProxy();
    const upper = await forwardingProxy();
    process.env.http_proxy = lower.url;
    process.env.HTTP_PROXY = upper.url;
    await using session = new Session(origin.origin);
    await session.send();
    expect([lower.requests.length, upper.requests.length]).toEqual([1, 0]);
    delete process.env.http_proxy;
    process.env.REQUEST_METHOD = 'GET';
    await using cgi = new Session(origin.origin);
    await cgi.send();
    expect([lower.requests.length, upper.requests.length]).toEqual([1, 0]);
  });

  test('HTTPS_PROXY for https:, and NO_PROXY leaves the listed host direct', async () => {
    const origin = await httpsOrigin();
    const proxy = await forwardingProxy();
    process.env.HTTPS_PROXY = proxy.url;
    await using session = new Session(origin.origin, { tls });
    expect((await session.send()).status).toBe(200);
    expect(proxy.connects).toHaveLength(1);
    process.env.NO_PROXY = 'example.com, 127.0.0.1';
    await using excluded = new Session(origin.origin, { tls });
    expect((await excluded.send()).status).toBe(200);
    expect(proxy.connects).toHaveLength(1);
    expect(origin.connections()).toBe(2);
  });
});
