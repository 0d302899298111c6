/**
 * The Session over real TLS: NodeTls (through the registry of the Node entry point, or given as `transport`)
 * and ForgeTls (by its registered name, or given as `transport`), against node:https servers on 127.0.0.1.
 */
import type { RequestListener } from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { ForgeTls } from '../../adapters/forge-tls';
import { NodeTls } from '../../lib/index';
import { TimeoutError, TlsError, UsageError } from '../../lib/message/errors';
import { ManualClock } from '../../lib/transport/clock';
import { defaultRegistry } from '../../lib/transport/registry';
import { Session } from '../../lib/session/session';
import { createEcCa, expiredWindow, issueCert, issueEcCert, localhostCert, type PemCert } from '../support/certs';
import { pieces } from '../support/body';
import { rejection } from '../support/failures';
import { closeServers, type Echo, echoRequest, LEGACY_TLS_SERVER, listen } from '../support/servers';
import { tick, until } from '../support/time';

/** What docs/tls.md says a server needs so that ForgeTls's legacy node-forge engine can talk to it. */

afterEach(closeServers);

const good = localhostCert();

interface HttpsServer {
  origin: string;
  /** TCP connections accepted. */
  connections: () => number;
  /** TLS handshakes completed ('secureConnection'). */
  secureConnections: () => number;
  /** Handshakes the server saw fail ('tlsClientError'). */
  clientErrors: Error[];
  /** Requests handled, in order, with the TLS socket that carried each. */
  requests: Array<{ method: string; url: string; socket: net.Socket }>;
}

async function httpsServer(cert: PemCert, handler: RequestListener, options: https.ServerOptions = {}): Promise<HttpsServer> {
  let secureConnections = 0;
  const clientErrors: Error[] = [];
  const requests: HttpsServer['requests'] = [];
  const server = https.createServer({ key: cert.keyPem, cert: cert.certPem, ...options }, (req, res) => {
    requests.push({ method: req.method!, url: req.url!, socket: req.socket });
    handler(req, res);
  });
  server.on('secureConnection', () => secureConnections++);
  server.on('tlsClientError', (error) => clientErrors.push(error));
  const { origin, sockets } = await listen(server, { scheme: 'https' });
  return {
    origin,
    connections: () => sockets.length,
    secureConnections: () => secureConnections,
    clientErrors,
    requests,
  };
}

/** A TCP server that accepts and never says a word (a TLS handshake with it never ends). */
async function silentServer(): Promise<{ origin: string; sockets: net.Socket[]; closed: () => number }> {
  let closed = 0;
  const server = net.createServer((socket) => {
    socket.on('close', () => closed++);
    socket.resume(); // reads the ClientHello (and so sees the client's FIN), answers nothing
  });
  const { origin, sockets } = await listen(server, { scheme: 'https' });
  return { origin, sockets, closed: () => closed };
}

describe('NodeTls through the session', () => {
  test('the Node entry point registers NodeTls for https: (and the TLS names)', () => {
    expect(defaultRegistry.get('https')).toBeInstanceOf(NodeTls);
    expect(defaultRegistry.getNamed('node-tls')).toBe(defaultRegistry.get('https'));
    expect(defaultRegistry.getNamed('forge-tls')).toBeDefined();
  });

  test('GET through the registry, with tls.ca: status, headers, body, url', async () => {
    const server = await httpsServer(good, echoRequest);
    await using session = new Session(`${server.origin}/api/?q=1`, { tls: { ca: good.caPem } });
    const response = await session.send();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = response.json<Echo>();
    expect(body).toMatchObject({ method: 'GET', url: '/api/?q=1', body: '' });
    expect(body.headers.host).toBe(server.origin.slice('https://'.length));
    expect(response.url).toBe(`${server.origin}/api/?q=1`);
    expect(response.timings.connect).toBeGreaterThanOrEqual(0);
    expect(server.secureConnections()).toBe(1);
  });

  test('POST with a body, given `transport: new NodeTls()`', async () => {
    const server = await httpsServer(good, echoRequest);
    await using session = new Session(server.origin, { transport: new NodeTls(), tls: { ca: good.caPem } });
    const response = await session.send({
      method: 'POST',
      path: '/items',
      body: JSON.stringify({ name: 'héllo' }),
      headers: { 'Content-Type': 'application/json' },
    });
    const body = response.json<Echo>();
    expect(body).toMatchObject({ method: 'POST', url: '/items', body: '{"name":"héllo"}' });
    expect(body.headers['content-type']).toBe('application/json');
    expect(body.headers['content-length']).toBe(String(Buffer.byteLength('{"name":"héllo"}')));
  });

  test('keep-alive over TLS: one handshake, one TLS socket carries every request', async () => {
    const server = await httpsServer(good, echoRequest);
    await using session = new Session(server.origin, { tls: { ca: good.caPem } });
    const first = await session.send({ path: '/one' });
    const second = await session.send({ method: 'POST', path: '/two', body: 'x' });
    const third = await session.send({ path: '/three' });
    expect([first, second, third].map((r) => r.json<Echo>().url)).toEqual(['/one', '/two', '/three']);
    expect(first.timings.connect).toBeGreaterThanOrEqual(0);
    expect(second.timings.connect).toBeUndefined();
    expect(third.timings.connect).toBeUndefined();
    expect(server.connections()).toBe(1);
    expect(server.secureConnections()).toBe(1);
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.socket)).size).toBe(1);
  });

  test('a streamed response body over TLS arrives as the server sends it; then the connection is reused', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const server = await httpsServer(good, async (req, res) => {
      if (req.url === '/after') {
        res.end('after');
        return;
      }
      res.setHeader('content-type', 'text/plain');
      res.write('first,');
      await released;
      res.write('second,');
      res.end('third');
    });
    await using session = new Session(server.origin, { tls: { ca: good.caPem } });
    const response = await session.stream();
    expect(response.status).toBe(200);
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const iterator = response.body[Symbol.asyncIterator]();
    expect(Buffer.from((await iterator.next()).value as Uint8Array).toString()).toBe('first,');
    release();
    let rest = '';
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) rest += Buffer.from(step.value).toString();
    expect(rest).toBe('second,third');
    expect((await session.send({ path: '/after' })).text()).toBe('after');
    expect(server.secureConnections()).toBe(1);
  });

  test('a streamed request body over TLS goes chunked, piece by piece', async () => {
    const big = new Uint8Array(100_000).fill(0x61);
    const server = await httpsServer(good, echoRequest);
    await using session = new Session(server.origin, { tls: { ca: good.caPem } });
    const response = await session.send({ method: 'PUT', path: '/upload', body: pieces('one,', 'two,', big, ',three') });
    const body = response.json<Echo>();
    expect(body.headers['transfer-encoding']).toBe('chunked');
    expect(body.body).toBe(`one,two,${'a'.repeat(100_000)},three`);
  });

  describe('refused certificates', () => {
    async function refusal(cert: PemCert, tls: { ca?: string } = { ca: cert.caPem }) {
      const server = await httpsServer(cert, echoRequest);
      await using session = new Session(server.origin, { tls });
      const error = await rejection(session.send());
      expect(server.requests).toHaveLength(0);
      return error;
    }

    test('untrusted: no tls.ca (Node’s bundled roots do not know the test CA)', async () => {
      const error = await refusal(good, {});
      expect(error).toBeInstanceOf(TlsError);
      expect(error.code).toBe('ERR_TLS');
      expect((error as unknown as TlsError).reason).toBe('untrusted');
    });

    test('untrusted: a self-signed certificate', async () => {
      const error = await refusal(localhostCert({ selfSigned: true }), { ca: good.caPem });
      expect(error).toBeInstanceOf(TlsError);
      expect(error.code).toBe('ERR_TLS');
      expect((error as unknown as TlsError).reason).toBe('untrusted');
    });

    test('expired', async () => {
      const error = await refusal(localhostCert(expiredWindow()));
      expect(error).toBeInstanceOf(TlsError);
      expect(error.code).toBe('ERR_TLS');
      expect((error as unknown as TlsError).reason).toBe('expired');
    });

    test('hostname: valid, but not for 127.0.0.1', async () => {
      const error = await refusal(issueCert({ dns: ['other.example'] }));
      expect(error).toBeInstanceOf(TlsError);
      expect(error.code).toBe('ERR_TLS');
      expect((error as unknown as TlsError).reason).toBe('hostname');
      expect(error.message).toContain('127.0.0.1');
    });

    test('hostname: tls.servername names a host the certificate is not for', async () => {
      const server = await httpsServer(good, echoRequest);
      await using session = new Session(server.origin, { tls: { ca: good.caPem, servername: 'wrong.example' } });
      const error = await rejection(session.send());
      expect(error).toBeInstanceOf(TlsError);
      expect((error as unknown as TlsError).reason).toBe('hostname');
    });

    test('after a failed handshake the same session opens a new connection for its next request', async () => {
      const server = await httpsServer(good, echoRequest);
      // In front of it, a relay whose first connection never answers the handshake; later ones are passed on.
      let accepted = 0;
      const relay = await listen(
        net.createServer((socket) => {
          if (accepted++ === 0) return void socket.resume();
          const upstream = net.connect(Number(new URL(server.origin).port), '127.0.0.1');
          upstream.on('error', () => socket.destroy());
          socket.pipe(upstream).pipe(socket);
        }),
      );
      const clock = new ManualClock();
      await using session = new Session(`https://127.0.0.1:${relay.port}`, { tls: { ca: good.caPem }, clock });
      const failing = rejection(session.send({ path: '/x', timeout: { tls: 1000 } }));
      for (let i = 0; i < 500 && !(accepted === 1 && clock.pending > 0); i++) await tick(2);
      clock.advance(1000);
      const error = await failing;
      expect((error as unknown as TimeoutError).phase).toBe('tls');
      expect((await session.send({ path: '/y' })).json<Echo>().url).toBe('/y');
      expect(server.requests.map((r) => r.url)).toEqual(['/y']);
      expect(accepted).toBe(2);
    });
  });

  describe('the TLS handshake timeout', () => {
    test('a server that accepts and never answers: TimeoutError phase tls, the socket closed', async () => {
      const server = await silentServer();
      await using session = new Session(server.origin, { tls: { ca: good.caPem }, timeouts: { tls: 100 } });
      const started = Date.now();
      const error = await rejection(session.send());
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.code).toBe('ERR_TIMEOUT');
      expect((error as unknown as TimeoutError).phase).toBe('tls');
      expect((error as unknown as TimeoutError).ms).toBe(100);
      expect(Date.now() - started).toBeLessThan(5000);
      await until(() => server.closed() === 1);
    });

    test('on a ManualClock: the handshake timer is armed once TCP is up, and fires when the clock says', async () => {
      const server = await silentServer();
      const clock = new ManualClock();
      await using session = new Session(server.origin, { clock, tls: { ca: good.caPem }, timeouts: { tls: 30_000 } });
      const sending = rejection(session.send());
      await until(() => server.sockets.length === 1 && clock.pending > 0);
      clock.advance(29_999);
      await tick(20);
      expect(server.closed()).toBe(0);
      clock.advance(1);
      const error = await sending;
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as unknown as TimeoutError).phase).toBe('tls');
      await until(() => server.closed() === 1);
    });

    test('a per-request timeout object overrides the session’s tls timeout', async () => {
      const server = await silentServer();
      await using session = new Session(server.origin, { tls: { ca: good.caPem }, timeouts: { tls: 60_000 } });
      const error = await rejection(session.send({ timeout: { tls: 50 } }));
      expect((error as unknown as TimeoutError).phase).toBe('tls');
    });
  });
});

describe('ForgeTls through the session', () => {
  const protocolOf = (server: HttpsServer, i = 0): string | null =>
    (server.requests[i]!.socket as unknown as { getProtocol(): string | null }).getProtocol();

  test.each([
    ['a default node:https server', {}, 'TLSv1.3'],
    ['a TLS 1.2-only server', { maxVersion: 'TLSv1.2' }, 'TLSv1.2'],
    ['a TLS 1.3-only server', { minVersion: 'TLSv1.3' }, 'TLSv1.3'],
  ] as const)('by its registered name against %s: GET, POST and keep-alive over one connection', async (_name, options, version) => {
    const server = await httpsServer(good, echoRequest, options);
    await using session = new Session(`https://127.0.0.1:${new URL(server.origin).port}/`, { transport: 'forge-tls', tls: { ca: good.caPem } });
    const get = await session.send({ path: '/hello' });
    expect(get.status).toBe(200);
    expect(get.json<Echo>()).toMatchObject({ method: 'GET', url: '/hello', body: '' });
    const post = await session.send({ method: 'POST', path: '/data', body: 'payload' });
    expect(post.json<Echo>()).toMatchObject({ method: 'POST', url: '/data', body: 'payload' });
    expect(server.secureConnections()).toBe(1);
    expect(server.requests.map((r) => r.socket).every((s) => s === server.requests[0]!.socket)).toBe(true);
    expect(protocolOf(server)).toBe(version);
  });

  test.each([
    ['TLS 1.3', {}, 'TLSv1.3'],
    ['TLS 1.2', { maxVersion: 'TLSv1.2' }, 'TLSv1.2'],
  ] as const)('against a server with an ECDSA P-256 certificate (%s)', async (_name, options, version) => {
    const cert = issueEcCert({ dns: ['localhost'], ips: ['127.0.0.1'], issuer: createEcCa() });
    const server = await httpsServer(cert, echoRequest, options);
    await using session = new Session(server.origin, { transport: 'forge-tls', tls: { ca: cert.caPem } });
    const response = await session.send({ method: 'POST', path: '/ec', body: 'signed by P-256' });
    expect(response.json<Echo>()).toMatchObject({ method: 'POST', url: '/ec', body: 'signed by P-256' });
    expect(protocolOf(server)).toBe(version);
  });

  test('a kept-alive connection the server drops without close_notify: the request is retried on a new one', async () => {
    let handled = 0;
    const server = await httpsServer(good, (req, res) => {
      // The second request's connection is dropped without an answer and without close_notify.
      if (handled++ === 1) req.socket.destroy();
      else res.end(`answer ${handled}`);
    });
    await using session = new Session(server.origin, { transport: new ForgeTls(), tls: { ca: good.caPem } });
    expect((await session.send()).text()).toBe('answer 1');
    expect((await session.send()).text()).toBe('answer 3');
    expect(server.connections()).toBe(2);
  });

  test('mutual TLS: a client certificate (ECDSA) for a server that requires one', async () => {
    const clientCert = issueEcCert({ cn: 'session client' });
    const server = await httpsServer(good, (req, res) => res.end(String((req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject.CN)), {
      requestCert: true,
      rejectUnauthorized: true,
      ca: clientCert.caPem,
    });
    await using session = new Session(server.origin, { transport: 'forge-tls', tls: { ca: good.caPem, cert: clientCert.certPem, key: clientCert.keyPem } });
    expect((await session.send()).text()).toBe('session client');
  });

  test('tls.minVersion TLSv1.1 picks the legacy node-forge engine, for servers that speak nothing newer', async () => {
    const server = await httpsServer(good, echoRequest, { ...LEGACY_TLS_SERVER, maxVersion: 'TLSv1.1' });
    await using session = new Session(server.origin, { transport: 'forge-tls', tls: { ca: good.caPem, minVersion: 'TLSv1.1' } });
    const response = await session.send({ path: '/old' });
    expect(response.json<Echo>()).toMatchObject({ method: 'GET', url: '/old' });
    expect(protocolOf(server)).toBe('TLSv1.1');
  });

  test('given as `transport: new ForgeTls()`: a larger body (several TLS records) comes back intact', async () => {
    const payload = Buffer.alloc(70_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) % 251;
    const server = await httpsServer(
      good,
      (_req, res) => {
        res.setHeader('content-type', 'application/octet-stream');
        res.end(payload);
      },
    );
    await using session = new Session(server.origin, { transport: new ForgeTls(), tls: { ca: good.caPem } });
    const response = await session.send();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('70000');
    expect(Buffer.from(response.body).equals(payload)).toBe(true);
  });

  test('no tls.ca: a bare ForgeTls refuses to open (ERR_TLS_CA_REQUIRED), before any connection is made', async () => {
    const server = await httpsServer(good, echoRequest);
    await using session = new Session(server.origin, { transport: new ForgeTls() });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('ERR_TLS_CA_REQUIRED');
    await tick(20);
    expect(server.connections()).toBe(0);
  });

  test('no tls.ca: the registered forge-tls trusts Node’s root store, which does not hold the test CA', async () => {
    const server = await httpsServer(good, echoRequest);
    await using session = new Session(server.origin, { transport: 'forge-tls' });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(TlsError);
    expect((error as unknown as TlsError).reason).toBe('untrusted');
  });

  test('ForgeTls({ roots }) trusts those roots when a connection gives no tls.ca', async () => {
    const server = await httpsServer(good, echoRequest);
    await using session = new Session(server.origin, { transport: new ForgeTls({ roots: [good.caPem] }) });
    expect((await session.send({ path: '/rooted' })).json<Echo>().url).toBe('/rooted');
  });

  test('wrong host: TlsError hostname, naming the certificate’s names', async () => {
    const cert = issueCert({ dns: ['other.example'] });
    const server = await httpsServer(cert, echoRequest);
    await using session = new Session(server.origin, { transport: 'forge-tls', tls: { ca: cert.caPem } });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(TlsError);
    expect(error.code).toBe('ERR_TLS');
    expect((error as unknown as TlsError).reason).toBe('hostname');
    expect(error.message).toContain('other.example');
    expect(server.requests).toHaveLength(0);
  });

  test('expired and untrusted certificates are refused too', async () => {
    const expired = localhostCert(expiredWindow());
    const expiredServer = await httpsServer(expired, echoRequest, {});
    await using first = new Session(expiredServer.origin, { transport: new ForgeTls(), tls: { ca: expired.caPem } });
    const error = await rejection(first.send());
    expect(error).toBeInstanceOf(TlsError);
    expect((error as unknown as TlsError).reason).toBe('expired');

    const selfSigned = localhostCert({ selfSigned: true });
    const untrustedServer = await httpsServer(selfSigned, echoRequest);
    await using second = new Session(untrustedServer.origin, { transport: new ForgeTls(), tls: { ca: good.caPem } });
    const untrusted = await rejection(second.send());
    expect(untrusted).toBeInstanceOf(TlsError);
    expect((untrusted as unknown as TlsError).reason).toBe('untrusted');
  });

  test('a server that accepts and never answers: TimeoutError phase tls', async () => {
    const server = await silentServer();
    await using session = new Session(server.origin, { transport: 'forge-tls', tls: { ca: good.caPem }, timeouts: { tls: 100 } });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as unknown as TimeoutError).phase).toBe('tls');
    await until(() => server.closed() === 1);
  });
});
