/**
 * ForgeTls with its legacy engine (node-forge, TLS 1.0/1.1), chosen by tls.minVersion TLSv1 or TLSv1.1: against
 * node:tls servers configured for it, and against a node-forge server over an in-memory pair.
 */
import * as tls from 'node:tls';
import forge from 'node-forge';
import {
  ForgeTls,
  binaryToBytes,
  bytesToBinary,
  matchesDnsPattern,
  matchesHostname,
  parseIpAddress,
} from '../../adapters/forge-tls';
import { InMemoryTransport } from '../../adapters/in-memory';
import { AbortError, TimeoutError, TlsError, TransportError, UsageError } from '../../lib/message/errors';
import { ManualClock } from '../../lib/transport/clock';
import type { Transport, TransportFactory, TransportOptions } from '../../lib/transport/transport';
import { createCa, expiredWindow, futureWindow, issueCert, localhostCert, testCa, type TestCert } from '../support/certs';
import { closeServer, closeServers, LEGACY_TLS_SERVER, tlsEchoServer, type LoopbackServer } from '../support/servers';
import { tick } from '../support/time';
import { bytesOf } from '../support/bytes';
import { closeTransports, failure, readUntil, track } from '../support/transports';

/** ForgeTls uses its legacy node-forge engine (TLS 1.0/1.1) only when tls.minVersion asks for those versions. */
const LEGACY = { minVersion: 'TLSv1' } as const;

const good = localhostCert();

afterEach(async () => {
  await closeTransports();
  await closeServers();
});

// ---------------------------------------------------------------------------------------------------------------
// A node-forge TLS server over the server end of an in-memory pair
// ---------------------------------------------------------------------------------------------------------------

interface ForgeServer {
  /** Application data received, joined. */
  received: () => string;
  errors: forge.tls.TLSError[];
  connected: Promise<void>;
  /** Resolves once the server's TLS connection has closed (close_notify, error, or the pipe ended). */
  closed: Promise<void>;
  conn: forge.tls.Connection;
  end: InMemoryTransport;
  clientCertificate: () => forge.pki.Certificate | null;
  /** True once forge's own `closed` callback ran (a close_notify or a fatal error), not just the pipe ending. */
  tlsClosed: () => boolean;
}

interface ForgeServerOptions {
  /** What to do with each piece of application data (default: send back 'echo:' + data). */
  onData?: (data: string, conn: forge.tls.Connection) => void;
  /** Require a client certificate signed by these CAs. */
  clientCa?: string[];
}

function forgeServer(end: InMemoryTransport, cert: TestCert, options: ForgeServerOptions = {}): ForgeServer {
  let received = '';
  let tlsClosed = false;
  const errors: forge.tls.TLSError[] = [];
  let onConnected!: () => void;
  let onClosed!: () => void;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const closed = new Promise<void>((resolve) => (onClosed = resolve));
  const conn = forge.tls.createConnection({
    server: true,
    caStore: (options.clientCa ?? []).map((pem) => forge.pki.certificateFromPem(pem)),
    sessionCache: {},
    verifyClient: options.clientCa ? true : false,
    verify: (_c, verified) => verified,
    getCertificate: () => cert.certPem,
    getPrivateKey: () => cert.keyPem,
    connected: () => onConnected(),
    tlsDataReady: (c) => {
      const bytes = c.tlsData.getBytes();
      if (bytes.length > 0) end.write(binaryToBytes(bytes)).catch(() => {});
    },
    dataReady: (c) => {
      const data = c.data.getBytes();
      received += data;
      if (options.onData) options.onData(data, c);
      else c.prepare(`echo:${data}`);
    },
    closed: () => {
      tlsClosed = true;
      onClosed();
      void end.close();
    },
    error: (_c, error) => {
      errors.push(error);
    },
  });
  void (async () => {
    for (let chunk = await end.read(); chunk; chunk = await end.read()) conn.process(bytesToBinary(chunk));
    onClosed();
  })();
  return {
    received: () => received,
    errors,
    connected,
    closed,
    conn,
    end,
    clientCertificate: () => conn.session?.clientCertificate ?? null,
    tlsClosed: () => tlsClosed,
  };
}

/** An in-memory pair with a forge server on one end; the client end goes to ForgeTls.wrap. */
function pairWithServer(cert: TestCert, options: ForgeServerOptions & { split?: number } = {}): { client: InMemoryTransport; server: ForgeServer } {
  const [client, serverEnd] = InMemoryTransport.pair(options.split ? { split: options.split } : {});
  return { client, server: forgeServer(serverEnd, cert, options) };
}

async function wrap(inner: Transport, url: string, options: TransportOptions): Promise<Transport> {
  return track(await ForgeTls.wrap(inner, url, options));
}

// ---------------------------------------------------------------------------------------------------------------
// (a) Against node:tls (OpenSSL) on 127.0.0.1
// ---------------------------------------------------------------------------------------------------------------


describe('ForgeTls legacy engine against node:tls', () => {
  /** A node:tls echo server presenting the shared localhost certificate. */
  function nodeServer(options: tls.TlsOptions, seen?: (socket: tls.TLSSocket) => void): Promise<LoopbackServer> {
    return tlsEchoServer(good, options, seen);
  }

  async function open(url: string, options: TransportOptions): Promise<Transport> {
    return track(await new ForgeTls().open(new URL(url), options));
  }

  it(`handshakes with ${JSON.stringify(LEGACY_TLS_SERVER)} and exchanges bytes over TCP`, async () => {
    let protocol: string | null = null;
    let cipher = '';
    let sni: string | false | null | undefined;
    const s = await nodeServer(LEGACY_TLS_SERVER, (socket) => {
      protocol = socket.getProtocol();
      cipher = socket.getCipher().name;
      sni = socket.servername;
    });
    const t = await open(s.url, { tls: { ...LEGACY, ca: good.caPem, servername: 'localhost' } });
    expect(t.secure).toBe(true);
    expect(t.remoteAddress).toBe('127.0.0.1');
    await t.write(bytesOf('GET / HTTP/1.1\r\n\r\n'));
    expect(await readUntil(t, 23)).toBe('echo:GET / HTTP/1.1\r\n\r\n');
    expect(protocol).toBe('TLSv1.1');
    expect(cipher).toMatch(/^AES(128|256)-SHA$/);
    expect(sni).toBe('localhost');
    await t.close();
  });

  it('verifies the IP SAN when connecting to 127.0.0.1 without a servername', async () => {
    const s = await nodeServer(LEGACY_TLS_SERVER);
    const t = await open(s.url, { tls: { ...LEGACY, ca: good.caPem } });
    await t.write(bytesOf('ip'));
    expect(await readUntil(t, 7)).toBe('echo:ip');
  });

  it('a default node:tls server (TLS 1.2+) refuses it → handshake, saying why', async () => {
    const s = await nodeServer({});
    const error = await failure(open(s.url, { tls: { ...LEGACY, ca: good.caPem } }));
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ reason: 'handshake' });
    expect(error.message).toMatch(/TLS 1\.0 or 1\.1/);
  });

  it('OpenSSL 3 without @SECLEVEL=0 refuses it → handshake', async () => {
    const s = await nodeServer({ minVersion: 'TLSv1.1', ciphers: 'AES128-SHA' });
    const error = await failure(open(s.url, { tls: { ...LEGACY, ca: good.caPem } }));
    expect(error).toMatchObject({ reason: 'handshake' });
    expect(error.message).toMatch(/SECLEVEL=0/);
  });

  it('also speaks TLS 1.0 to a TLS 1.0-only server, unless tls.minVersion is TLSv1.1', async () => {
    let protocol: string | null = null;
    const s = await nodeServer({ ...LEGACY_TLS_SERVER, minVersion: 'TLSv1', maxVersion: 'TLSv1' }, (socket) => {
      protocol = socket.getProtocol();
    });
    const t = await open(s.url, { tls: { ...LEGACY, ca: good.caPem } });
    await t.write(bytesOf('v1'));
    expect(await readUntil(t, 7)).toBe('echo:v1');
    expect(protocol).toBe('TLSv1');
    const error = await failure(open(s.url, { tls: { ...LEGACY, ca: good.caPem, minVersion: 'TLSv1.1' } }));
    expect(error).toMatchObject({ reason: 'handshake' });
    expect(error.message).toMatch(/chose TLS 1\.0, below tls\.minVersion 'TLSv1\.1'/);
  });

  it('a refused port (through the default inner factory, NodeTcp) is a TransportError', async () => {
    const s = await nodeServer(LEGACY_TLS_SERVER);
    await closeServer(s);
    const error = await failure(open(s.url, { tls: { ...LEGACY, ca: good.caPem } }));
    expect(error).toBeInstanceOf(TransportError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// (b) Against a forge server over the in-memory pair
// ---------------------------------------------------------------------------------------------------------------

describe('ForgeTls legacy engine: wrap over an in-memory pair', () => {
  it('handshakes, verifies and exchanges bytes both ways; close sends close_notify', async () => {
    const { client, server } = pairWithServer(good);
    const t = await wrap(client, 'https://localhost/', { tls: { ...LEGACY, ca: good.caPem } });
    expect(t.secure).toBe(true);
    expect(t.remoteAddress).toBe('memory');
    await t.write(bytesOf('hello'));
    expect(await readUntil(t, 10)).toBe('echo:hello');
    expect(server.received()).toBe('hello');
    await t.close();
    await server.closed;
    expect(server.tlsClosed()).toBe(true); // by the client's close_notify
    expect(server.errors).toEqual([]);
    expect(client.isClosed).toBe(true);
    await t.close(); // idempotent
    expect(await t.read()).toBeNull();
    await expect(t.write(bytesOf('late'))).rejects.toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
  });

  it('carries large payloads split into small reads, byte for byte', async () => {
    const { client, server } = pairWithServer(good, { split: 997, onData: () => {} });
    const t = await wrap(client, 'https://localhost/', { tls: { ...LEGACY, ca: good.caPem } });
    const payload = new Uint8Array(100_000).map((_, i) => (i * 7 + (i >> 8)) & 0xff);
    await t.write(payload);
    const body = bytesToBinary(payload);
    for (let i = 0; i < 50 && server.received().length < payload.length; i++) await tick();
    expect(server.received() === body).toBe(true);
    // And back: the server sends it in one go, the client reads it in pieces.
    server.conn.prepare(body);
    let got = '';
    while (got.length < body.length) got += bytesToBinary((await t.read())!);
    expect(got === body).toBe(true);
  });

  it('the server closing (close_notify) ends the stream: read() returns null', async () => {
    const { client, server } = pairWithServer(good, {
      onData: (data, conn) => {
        conn.prepare(`bye:${data}`);
        conn.close();
      },
    });
    const t = await wrap(client, 'https://localhost/', { tls: { ...LEGACY, ca: good.caPem } });
    await t.write(bytesOf('x'));
    expect(await readUntil(t, 100)).toBe('bye:x');
    expect(await t.read()).toBeNull();
    expect(server.errors).toEqual([]);
  });

  it('presents a client certificate to a server that requires one', async () => {
    const clientCert = issueCert({ cn: 'forge client' });
    const { client, server } = pairWithServer(good, { clientCa: [testCa().certPem] });
    const t = await wrap(client, 'https://localhost/', { tls: { ...LEGACY, ca: good.caPem, cert: clientCert.certPem, key: clientCert.keyPem } });
    await t.write(bytesOf('m'));
    expect(await readUntil(t, 6)).toBe('echo:m');
    expect(server.clientCertificate()?.subject.getField('CN').value).toBe('forge client');
  });

  it('accepts the CA as DER bytes and among other CAs', async () => {
    const der = forge.asn1.toDer(forge.pki.certificateToAsn1(testCa().cert)).getBytes();
    const { client } = pairWithServer(good);
    const t = await wrap(client, new URL('https://localhost/').href, { tls: { ...LEGACY, ca: [createCa('Another CA').certPem, binaryToBytes(der)] } });
    await t.write(bytesOf('d'));
    expect(await readUntil(t, 6)).toBe('echo:d');
  });

  it('verifies an IP SAN for an IP host (IPv4 and IPv6)', async () => {
    const cert = issueCert({ ips: ['127.0.0.1', '::1'] });
    const v4 = pairWithServer(cert);
    const t4 = await wrap(v4.client, 'https://127.0.0.1:8443/', { tls: { ...LEGACY, ca: cert.caPem } });
    await t4.write(bytesOf('4'));
    expect(await readUntil(t4, 6)).toBe('echo:4');
    const v6 = pairWithServer(cert);
    const t6 = await wrap(v6.client, 'https://[0:0::1]/', { tls: { ...LEGACY, ca: cert.caPem } });
    await t6.write(bytesOf('6'));
    expect(await readUntil(t6, 6)).toBe('echo:6');
  });

  it('matches a wildcard SAN for a one-label subdomain', async () => {
    const cert = issueCert({ dns: ['*.example.com'] });
    const { client } = pairWithServer(cert);
    const t = await wrap(client, 'https://API.Example.com/', { tls: { ...LEGACY, ca: cert.caPem } });
    await t.write(bytesOf('w'));
    expect(await readUntil(t, 6)).toBe('echo:w');
  });

  it('rejectUnauthorized: false skips every check (no CA needed)', async () => {
    const cert = issueCert({ dns: ['other.example'], selfSigned: true, ...expiredWindow() });
    const { client } = pairWithServer(cert);
    const t = await wrap(client, 'https://localhost/', { tls: { ...LEGACY, rejectUnauthorized: false } });
    await t.write(bytesOf('u'));
    expect(await readUntil(t, 6)).toBe('echo:u');
  });

  it('works with a one-byte split (every record arrives in pieces)', async () => {
    const { client } = pairWithServer(good, { split: 1 });
    const t = await wrap(client, 'https://localhost/', { tls: { ...LEGACY, ca: good.caPem } });
    await t.write(bytesOf('tiny'));
    expect(await readUntil(t, 9)).toBe('echo:tiny');
  });
});

describe('ForgeTls legacy engine: refused certificates', () => {
  async function refused(cert: TestCert, url: string, ca: string = good.caPem): Promise<{ error: TlsError; server: ForgeServer; client: InMemoryTransport }> {
    const { client, server } = pairWithServer(cert);
    const error = await failure(wrap(client, url, { tls: { ...LEGACY, ca } }));
    expect(error).toBeInstanceOf(TlsError);
    expect(client.isClosed).toBe(true);
    return { error: error as TlsError, server, client };
  }

  it('a certificate from another CA → untrusted (and the server gets an alert)', async () => {
    const other = createCa('Untrusted CA');
    const { error, server } = await refused(localhostCert({ issuer: other }), 'https://localhost/');
    expect(error.reason).toBe('untrusted');
    expect(error.message).toMatch(/not signed by a trusted certificate authority/);
    await server.closed;
    expect(server.errors.map((e) => e.alert?.description)).toContain(forge.tls.Alert.Description.unknown_ca);
  });

  it('a self-signed certificate → untrusted', async () => {
    const { error } = await refused(localhostCert({ selfSigned: true }), 'https://localhost/');
    expect(error.reason).toBe('untrusted');
  });

  it('an expired certificate → expired', async () => {
    const { error } = await refused(localhostCert(expiredWindow()), 'https://localhost/');
    expect(error.reason).toBe('expired');
    expect(error.message).toMatch(/has expired: it was valid until/);
  });

  it('a certificate not valid yet → not-yet-valid', async () => {
    const { error } = await refused(localhostCert(futureWindow()), 'https://localhost/');
    expect(error.reason).toBe('not-yet-valid');
    expect(error.message).toMatch(/not valid yet/);
  });

  it('a SAN DNS mismatch → hostname, naming what the certificate is for', async () => {
    const { error } = await refused(issueCert({ dns: ['other.example'] }), 'https://localhost/');
    expect(error.reason).toBe('hostname');
    expect(error.message).toMatch(/not valid for the name 'localhost' \(it names: other\.example\)/);
  });

  it('tls.servername overrides the URL host for the name check', async () => {
    const { client } = pairWithServer(issueCert({ dns: ['api.internal'] }));
    const t = await wrap(client, 'https://10.0.0.7/', { tls: { ...LEGACY, ca: good.caPem, servername: 'api.internal' } });
    await t.write(bytesOf('s'));
    expect(await readUntil(t, 6)).toBe('echo:s');
  });

  it('an IP host not in the IP SANs → hostname (DNS SANs and CN never match an IP)', async () => {
    const { error } = await refused(issueCert({ cn: '127.0.0.2', dns: ['127.0.0.2'], ips: ['127.0.0.1'] }), 'https://127.0.0.2/');
    expect(error.reason).toBe('hostname');
  });

  it('a wildcard does not match the bare domain nor two labels → hostname', async () => {
    const cert = issueCert({ dns: ['*.example.com'] });
    expect((await refused(cert, 'https://example.com/')).error.reason).toBe('hostname');
    expect((await refused(cert, 'https://a.b.example.com/')).error.reason).toBe('hostname');
  });
});

describe('ForgeTls legacy engine: usage errors, failures, timeouts and abort', () => {
  it('without tls.ca → UsageError ERR_TLS_CA_REQUIRED, before any byte is sent; the inner transport is closed', async () => {
    const [client, serverEnd] = InMemoryTransport.pair();
    const error = await failure(ForgeTls.wrap(client, 'https://localhost/', {}));
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ code: 'ERR_TLS_CA_REQUIRED' });
    expect(error.message).toMatch(/trust store/);
    expect(client.isClosed).toBe(true);
    expect(await serverEnd.read()).toBeNull();
  });

  it('open() without tls.ca fails before connecting', async () => {
    const inner: TransportFactory = { open: jest.fn() };
    const error = await failure(new ForgeTls({ inner }).open(new URL('https://localhost/'), { tls: { ...LEGACY } }));
    expect(error).toMatchObject({ code: 'ERR_TLS_CA_REQUIRED' });
    expect(inner.open).not.toHaveBeenCalled();
  });

  it('a CA that forge cannot read → UsageError', async () => {
    const [client] = InMemoryTransport.pair();
    const error = await failure(ForgeTls.wrap(client, 'https://localhost/', { tls: { ...LEGACY, ca: 'not a pem' } }));
    expect(error).toBeInstanceOf(UsageError);
  });

  it('open() runs over the given inner factory, passing the URL, connect timeout, clock and signal (not tls)', async () => {
    const seen: Array<{ url: string; options: TransportOptions }> = [];
    const inner: TransportFactory = {
      open: async (url, options) => {
        seen.push({ url: url.href, options });
        const { client } = pairWithServer(good);
        return client;
      },
    };
    const clock = new ManualClock();
    const t = await new ForgeTls({ inner }).open(new URL('https://localhost:8443/x'), {
      tls: { ...LEGACY, ca: good.caPem },
      timeouts: { connect: 100, tls: 200 },
      clock,
    });
    track(t);
    expect(seen).toEqual([{ url: 'https://localhost:8443/x', options: { clock, timeouts: { connect: 100 } } }]);
    await t.write(bytesOf('f'));
    expect(await readUntil(t, 6)).toBe('echo:f');
    expect(clock.pending).toBe(0);
  });

  it('a server that never answers → TimeoutError(tls) by the clock; the inner transport is closed', async () => {
    const [client, serverEnd] = InMemoryTransport.pair();
    const clock = new ManualClock();
    const settled = failure(ForgeTls.wrap(client, 'https://localhost/', { tls: { ...LEGACY, ca: good.caPem }, timeouts: { tls: 3000 }, clock }));
    expect(clock.pending).toBe(1);
    clock.advance(2999);
    await tick();
    clock.advance(1);
    const error = await settled;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: 'tls', ms: 3000 });
    expect(client.isClosed).toBe(true);
    // The ClientHello had been sent.
    expect((await serverEnd.read())![0]).toBe(22);
  });

  it('aborting during the handshake → AbortError; an aborted signal rejects at once', async () => {
    const [client] = InMemoryTransport.pair();
    const controller = new AbortController();
    const settled = failure(ForgeTls.wrap(client, 'https://localhost/', { tls: { ...LEGACY, ca: good.caPem }, signal: controller.signal }));
    await tick();
    controller.abort(new Error('stop'));
    const error = await settled;
    expect(error).toBeInstanceOf(AbortError);
    expect(client.isClosed).toBe(true);

    const [c2] = InMemoryTransport.pair();
    const pre = await failure(ForgeTls.wrap(c2, 'https://localhost/', { tls: { ...LEGACY, ca: good.caPem }, signal: AbortSignal.abort() }));
    expect(pre).toBeInstanceOf(AbortError);
  });

  it('the server closing during the handshake → TlsError(handshake)', async () => {
    const [client, serverEnd] = InMemoryTransport.pair();
    void serverEnd.read().then(() => serverEnd.close());
    const error = await failure(ForgeTls.wrap(client, 'https://localhost/', { tls: { ...LEGACY, ca: good.caPem } }));
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ reason: 'handshake' });
    expect(error.message).toMatch(/closed the connection during the TLS handshake/);
  });

  it('a non-TLS answer → TlsError(handshake)', async () => {
    const [client, serverEnd] = InMemoryTransport.pair();
    void serverEnd.read().then(() => serverEnd.write(bytesOf('HTTP/1.1 400 Bad Request\r\n\r\n')));
    const error = await failure(ForgeTls.wrap(client, 'https://localhost/', { tls: { ...LEGACY, ca: good.caPem } }));
    expect(error).toMatchObject({ reason: 'handshake' });
  });

  it('a corrupted record after the handshake → TlsError(protocol) on read', async () => {
    const { client, server } = pairWithServer(good);
    const t = await wrap(client, 'https://localhost/', { tls: { ...LEGACY, ca: good.caPem } });
    await server.connected;
    const garbage = new Uint8Array(5 + 48);
    garbage.set([23, server.conn.version.major, server.conn.version.minor, 0, 48]);
    garbage.fill(0xab, 5);
    await server.end.write(garbage);
    const error = await failure(t.read());
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ reason: 'protocol' });
    await expect(t.write(bytesOf('x'))).rejects.toBe(error);
  });

  it('a server alert after the handshake → TlsError(protocol)', async () => {
    const { client, server } = pairWithServer(good, {
      onData: (_data, conn) => {
        conn.error(conn, {
          message: 'go away',
          send: true,
          origin: 'server',
          alert: { level: forge.tls.Alert.Level.fatal, description: forge.tls.Alert.Description.access_denied },
        } as forge.tls.TLSError);
      },
    });
    const t = await wrap(client, 'https://localhost/', { tls: { ...LEGACY, ca: good.caPem } });
    await t.write(bytesOf('x'));
    const error = await failure(t.read());
    expect(error).toMatchObject({ reason: 'protocol' });
    expect(error.message).toMatch(/access_denied/);
    expect(server.errors).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Host-name matching
// ---------------------------------------------------------------------------------------------------------------

describe('matchesDnsPattern (RFC 6125)', () => {
  it.each([
    ['example.com', 'example.com', true],
    ['Example.COM', 'example.com', true],
    ['example.com.', 'example.com', true],
    ['example.com', 'EXAMPLE.com.', true],
    ['example.com', 'www.example.com', false],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'A.EXAMPLE.COM', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', '.example.com', false],
    ['*.example.com', 'a.example.org', false],
    ['*.com', 'example.com', false],
    ['*', 'localhost', false],
    ['f*o.example.com', 'foo.example.com', false],
    ['*o.example.com', 'foo.example.com', false],
    ['f*.example.com', 'foo.example.com', false],
    ['a.*.example.com', 'a.b.example.com', false],
    ['*.*.example.com', 'a.b.example.com', false],
    ['**.example.com', 'a.example.com', false],
    ['*.0.0.1', '127.0.0.1', false],
    ['127.0.0.1', '127.0.0.1', false],
    ['', 'example.com', false],
    ['example..com', 'example..com', false],
    ['xn--bcher-kva.example', 'XN--BCHER-KVA.example', true],
  ])('%j vs %j → %s', (pattern, host, expected) => {
    expect(matchesDnsPattern(pattern, host)).toBe(expected);
  });
});

describe('matchesHostname', () => {
  /** An unsigned certificate is enough for name matching. */
  function cert(options: { cn?: string; dns?: string[]; ips?: string[]; sanExtension?: boolean }): forge.pki.Certificate {
    const c = forge.pki.createCertificate();
    c.setSubject(options.cn ? [{ name: 'commonName', value: options.cn }] : []);
    const altNames = [...(options.dns ?? []).map((value) => ({ type: 2, value })), ...(options.ips ?? []).map((ip) => ({ type: 7, ip }))];
    if (altNames.length > 0 || options.sanExtension) c.setExtensions([{ name: 'subjectAltName', altNames }]);
    return c;
  }

  it('checks SAN DNS names, with wildcards', () => {
    const c = cert({ dns: ['example.com', '*.api.example.com'] });
    expect(matchesHostname(c, 'example.com')).toBe(true);
    expect(matchesHostname(c, 'v1.api.example.com')).toBe(true);
    expect(matchesHostname(c, 'api.example.com')).toBe(false);
    expect(matchesHostname(c, 'www.example.com')).toBe(false);
  });

  it('checks SAN IP addresses byte by byte, IPv4 and IPv6, brackets allowed', () => {
    const c = cert({ ips: ['192.168.1.10', '2001:db8::1'] });
    expect(matchesHostname(c, '192.168.1.10')).toBe(true);
    expect(matchesHostname(c, '192.168.1.11')).toBe(false);
    expect(matchesHostname(c, '2001:db8::1')).toBe(true);
    expect(matchesHostname(c, '[2001:DB8:0:0:0:0:0:1]')).toBe(true);
    expect(matchesHostname(c, '2001:db8::2')).toBe(false);
    expect(matchesHostname(c, '::ffff:192.168.1.10')).toBe(false);
  });

  it('an IP host never matches DNS SANs or the CN', () => {
    expect(matchesHostname(cert({ cn: '10.0.0.1', dns: ['10.0.0.1'] }), '10.0.0.1')).toBe(false);
    expect(matchesHostname(cert({ cn: '10.0.0.1' }), '10.0.0.1')).toBe(false);
  });

  it('uses the CN only when the certificate has no subjectAltName at all', () => {
    expect(matchesHostname(cert({ cn: 'legacy.example' }), 'legacy.example')).toBe(true);
    expect(matchesHostname(cert({ cn: '*.legacy.example' }), 'a.legacy.example')).toBe(true);
    expect(matchesHostname(cert({ cn: 'legacy.example', dns: ['other.example'] }), 'legacy.example')).toBe(false);
    expect(matchesHostname(cert({ cn: 'legacy.example', ips: ['10.0.0.1'] }), 'legacy.example')).toBe(false);
    expect(matchesHostname(cert({ cn: 'legacy.example', sanExtension: true }), 'legacy.example')).toBe(false);
    expect(matchesHostname(cert({}), 'legacy.example')).toBe(false);
  });
});

describe('parseIpAddress and the binary helpers', () => {
  it('parses IPv4 and IPv6 literals, and refuses the rest', () => {
    expect(Array.from(parseIpAddress('127.0.0.1')!)).toEqual([127, 0, 0, 1]);
    expect(Array.from(parseIpAddress('[::1]')!)).toEqual([...new Array(15).fill(0), 1]);
    expect(Array.from(parseIpAddress('::ffff:1.2.3.4')!)).toEqual([...new Array(10).fill(0), 0xff, 0xff, 1, 2, 3, 4]);
    expect(Array.from(parseIpAddress('fe80::1%eth0')!.subarray(0, 2))).toEqual([0xfe, 0x80]);
    expect(parseIpAddress('1:2:3:4:5:6:7:8')).not.toBeNull();
    for (const bad of ['256.0.0.1', '1.2.3', '01.2.3.4', 'localhost', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'a.b.c.d', '']) {
      expect(parseIpAddress(bad)).toBeNull();
    }
  });

  it('converts bytes and forge binary strings both ways', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    const binary = bytesToBinary(all);
    expect(binary.length).toBe(256);
    expect(binary.charCodeAt(200)).toBe(200);
    expect(Array.from(binaryToBytes(binary))).toEqual(Array.from(all));
    expect(bytesToBinary(all.subarray(10, 12))).toBe('\x0a\x0b');
  });
});
