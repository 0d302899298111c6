import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeTls } from '../../adapters/node-tls';
import { RedirectError } from '../../lib/message/errors';
import { TransportRegistry } from '../../lib/transport/registry';
import { Session } from '../../lib/session/session';
import { pieces } from '../support/body';
import { localhostCert } from '../support/certs';
import { rejection } from '../support/failures';
import { closeServers, httpServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick } from '../support/time';

afterEach(closeServers);

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A node:http server that answers by `route(path)`: [status, location?]; it records every request. */
async function router(route: (url: string) => [number, string?] | undefined) {
  const seen: Seen[] = [];
  const server = await httpServer(async (req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
    const [status, location] = route(req.url!) ?? [200];
    res.statusCode = status;
    if (location !== undefined) res.setHeader('location', location);
    res.end(`${req.method} ${req.url} ${body}`);
  });
  return { ...server, seen };
}

describe('following redirects', () => {
  test('a chain of three hops on one connection: url and redirects say where it went', async () => {
    const hops: Record<string, [number, string]> = { '/a': [301, '/b'], '/b': [302, 'c'], '/c': [307, '/d?x=1'] };
    const server = await router((url) => hops[url]);
    await using session = new Session(server.origin, { transport: tcp });
    const response = await session.send({ path: '/a' });
    expect(response.status).toBe(200);
    expect(response.text()).toBe('GET /d?x=1 ');
    expect(response.url).toBe(`${server.origin}/d?x=1`);
    expect(response.redirects).toEqual([
      { status: 301, url: `${server.origin}/a` },
      { status: 302, url: `${server.origin}/b` },
      { status: 307, url: `${server.origin}/c` },
    ]);
    expect(server.sockets).toHaveLength(1);
  });

  test('303 turns POST into GET without a body; HEAD stays HEAD', async () => {
    const server = await router((url) => (url === '/form' ? [303, '/result'] : undefined));
    await using session = new Session(server.origin, { transport: tcp });
    const response = await session.send({ method: 'POST', path: '/form', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(response.text()).toBe('GET /result ');
    const after = server.seen[1];
    expect(after.headers['content-type']).toBeUndefined();
    expect(after.headers['content-length']).toBeUndefined();
    const head = await session.send({ method: 'HEAD', path: '/form' });
    expect(head.status).toBe(200);
    expect(server.seen.slice(2).map((s) => s.method)).toEqual(['HEAD', 'HEAD']);
  });

  test('301 and 302 after POST become GET; after PUT they repeat PUT and its body', async () => {
    const server = await router((url) => (url === '/moved' ? [301, '/new'] : url === '/found' ? [302, '/new'] : undefined));
    await using session = new Session(server.origin, { transport: tcp });
    expect((await session.send({ method: 'POST', path: '/moved', body: 'x' })).text()).toBe('GET /new ');
    expect((await session.send({ method: 'POST', path: '/found', body: 'x' })).text()).toBe('GET /new ');
    expect((await session.send({ method: 'PUT', path: '/found', body: 'kept' })).text()).toBe('PUT /new kept');
  });

  test('307 and 308 repeat the method and the body', async () => {
    const server = await router((url) => (url === '/t' ? [307, '/p'] : url === '/p' ? [308, '/end'] : undefined));
    await using session = new Session(server.origin, { transport: tcp });
    const response = await session.send({ method: 'POST', path: '/t', body: 'payload', headers: { 'Content-Type': 'text/plain' } });
    expect(response.text()).toBe('POST /end payload');
    expect(server.seen.map((s) => `${s.method} ${s.url} ${s.body} ${s.headers['content-type']}`)).toEqual([
      'POST /t payload text/plain',
      'POST /p payload text/plain',
      'POST /end payload text/plain',
    ]);
  });

  test('a streamed body cannot be repeated: ERR_REDIRECT_BODY_NOT_REPLAYABLE', async () => {
    const server = await router((url) => (url === '/t' ? [307, '/p'] : undefined));
    await using session = new Session(server.origin, { transport: tcp });
    const error = await rejection(session.send({ method: 'POST', path: '/t', body: pieces('stream') }));
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.code).toBe('ERR_REDIRECT_BODY_NOT_REPLAYABLE');
    // A 303 drops the body, so a stream is fine there.
    const other = await router(() => [303, '/x']);
    const seeOther = await session.send({ method: 'POST', path: `${other.origin}/`, body: pieces('s'), maxRedirects: 1 }).catch((e: Error) => e);
    expect(seeOther).toBeInstanceOf(RedirectError);
    expect((seeOther as RedirectError).code).toBe('ERR_TOO_MANY_REDIRECTS');
  });

  test('to another origin, Authorization, Cookie and Proxy-Authorization are dropped; same origin keeps them', async () => {
    const target = await router(() => undefined);
    const server = await router((url) => (url === '/same' ? [302, '/here'] : url === '/away' ? [302, `${target.origin}/there`] : undefined));
    await using session = new Session(server.origin, { transport: tcp, auth: { bearer: 'secret' } });
    const headers = { Cookie: 'id=1', 'Proxy-Authorization': 'Basic x', 'X-Kept': 'yes' };
    await session.send({ path: '/same', headers });
    const same = server.seen[1].headers;
    expect([same.authorization, same.cookie, same['proxy-authorization'], same['x-kept']]).toEqual(['Bearer secret', 'id=1', 'Basic x', 'yes']);

    const response = await session.send({ path: '/away', headers });
    expect(response.url).toBe(`${target.origin}/there`);
    const away = target.seen[0].headers;
    expect([away.authorization, away.cookie, away['proxy-authorization'], away['x-kept']]).toEqual([undefined, undefined, undefined, 'yes']);
    expect(away.host).toBe(`127.0.0.1:${target.port}`);
    expect(target.sockets).toHaveLength(1);
  });

  test('too many redirects: ERR_TOO_MANY_REDIRECTS (default 20, or maxRedirects)', async () => {
    let n = 0;
    const server = await router(() => [302, `/loop${++n}`]);
    await using session = new Session(server.origin, { transport: tcp });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.code).toBe('ERR_TOO_MANY_REDIRECTS');
    expect(server.seen).toHaveLength(21);

    await using limited = new Session(server.origin, { transport: tcp, maxRedirects: 2 });
    await rejection(limited.send());
    expect(server.seen).toHaveLength(24);
    await using none = new Session(server.origin, { transport: tcp, maxRedirects: 0 });
    expect((await rejection(none.send())).code).toBe('ERR_TOO_MANY_REDIRECTS');
  });

  test("'manual' returns the 3xx; 'error' fails with ERR_REDIRECT; both can be set per request", async () => {
    const server = await router((url) => (url === '/go' ? [301, '/target'] : undefined));
    await using manual = new Session(server.origin, { transport: tcp, redirect: 'manual' });
    const response = await manual.send({ path: '/go' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/target');
    expect(response.text()).toBe('GET /go ');
    expect((await manual.send({ path: '/go', redirect: 'follow' })).status).toBe(200);

    await using strict = new Session(server.origin, { transport: tcp, redirect: 'error' });
    const error = await rejection(strict.send({ path: '/go' }));
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.code).toBe('ERR_REDIRECT');
    expect((await strict.send({ path: '/go', redirect: 'manual' })).status).toBe(301);
  });

  test('a 3xx without a usable Location is the response, body included', async () => {
    const server = await router((url) => (url === '/none' ? [302] : url === '/bad' ? [302, 'http://[bad'] : undefined));
    await using session = new Session(server.origin, { transport: tcp });
    const none = await session.send({ path: '/none' });
    expect([none.status, none.text()]).toEqual([302, 'GET /none ']);
    const bad = await session.send({ path: '/bad' });
    expect([bad.status, bad.text()]).toEqual([302, 'GET /bad ']);
    const streamed = await session.stream({ path: '/bad' });
    expect(await streamed.text()).toBe('GET /bad ');
    expect(server.sockets).toHaveLength(1);
  });

  test('stream() follows redirects too', async () => {
    const server = await router((url) => (url === '/' ? [302, '/final'] : undefined));
    await using session = new Session(server.origin, { transport: tcp });
    const response = await session.stream();
    expect(response.redirects).toEqual([{ status: 302, url: `${server.origin}/` }]);
    expect(await response.text()).toBe('GET /final ');
  });

  test('https → http is refused unless allowInsecureRedirect; each hop uses its scheme’s transport', async () => {
    const plain = await router(() => undefined);
    const cert = localhostCert();
    const secure = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => {
      res.statusCode = 302;
      res.setHeader('location', `${plain.origin}/insecure`);
      res.end();
    });
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    const origin = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
    try {
      const registry = new TransportRegistry();
      registry.register('http', tcp);
      const options = { registry, transport: new NodeTls(), tls: { ca: cert.caPem } };
      await using refusing = new Session(origin, options);
      const error = await rejection(refusing.send());
      expect(error).toBeInstanceOf(RedirectError);
      expect(error.code).toBe('ERR_REDIRECT_INSECURE');
      expect(plain.seen).toHaveLength(0);

      await using allowing = new Session(origin, { ...options, allowInsecureRedirect: true });
      const response = await allowing.send();
      expect(response.url).toBe(`${plain.origin}/insecure`);
      expect(plain.seen).toHaveLength(1);
    } finally {
      secure.closeAllConnections();
      await new Promise((resolve) => secure.close(resolve));
    }
  });
});

describe('a redirect with a long body', () => {
  test('is not read to its end: past 64 KiB the connection is closed and the redirect followed', async () => {
    let written = 0;
    let firstClosed = false;
    const server = await httpServer((req, res) => {
      if (req.url === '/ok') return res.end('done');
      // An endless body, stopped only when the client goes away (bounded for safety at 64 MiB).
      res.writeHead(302, { Location: '/ok' });
      const piece = Buffer.alloc(16 * 1024, 0x61);
      const pump = (): void => {
        while (written < 64 * 1024 * 1024 && !res.destroyed) {
          written += piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
      };
      res.on('close', () => (firstClosed = true));
      pump();
    });
    await using session = new Session(server.origin, { transport: tcp });
    const response = await session.send({ path: '/loop' });
    expect(response.text()).toBe('done');
    expect(response.redirects).toEqual([{ status: 302, url: `${server.origin}/loop` }]);
    expect(server.sockets).toHaveLength(2); // the redirect's connection was not reused
    await tick(50);
    expect(firstClosed).toBe(true);
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  test('a short one is read and dropped, and the connection reused', async () => {
    const server = await router((url) => (url === '/a' ? [301, '/b'] : undefined));
    await using session = new Session(server.origin, { transport: tcp });
    expect((await session.send({ path: '/a' })).text()).toBe('GET /b ');
    expect(server.sockets).toHaveLength(1);
  });
});
