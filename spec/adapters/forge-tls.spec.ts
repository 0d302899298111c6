/**
 * ForgeTls with its default engine, the TLS 1.3 / 1.2 client of adapters/tls/: against node:tls (OpenSSL)
 * servers on 127.0.0.1 with default and restricted settings, RSA and ECDSA certificates, and against a
 * node:tls server running over the other end of an in-memory pair (TLS over a byte pipe that is no socket).
 * The legacy node-forge engine is in forge-tls-legacy.spec.ts.
 */
import * as tls from 'node:tls';
import { ForgeTls } from '../../adapters/forge-tls';
import { InMemoryTransport } from '../../adapters/in-memory';
import { AbortError, TimeoutError, TlsError, TransportError, UsageError } from '../../lib/message/errors';
import { ManualClock, systemClock, type Clock } from '../../lib/transport/clock';
import type { Transport, TransportFactory, TransportOptions } from '../../lib/transport/transport';
import type { Negotiated } from '../../adapters/tls/handshake-context';
import {
  createCa,
  createEcCa,
  expiredWindow,
  futureWindow,
  issueCert,
  issueEcCert,
  localhostCert,
  testCa,
  type PemCert,
} from '../support/certs';
import { closeServer, closeServers, listen, tlsEchoServer, type LoopbackServer } from '../support/servers';
import { pair } from '../support/tls-pipe';
import { tick } from '../support/time';
import { bytesOf, latin1 } from '../support/bytes';
import { closeTransports, failure, readUntil, track } from '../support/transports';

const good = localhostCert();

afterEach(async () => {
  await closeTransports();
  await closeServers();
});

const negotiated = (t: Transport): Negotiated => (t as unknown as { negotiated: Negotiated }).negotiated;

async function open(url: string, options: TransportOptions): Promise<Transport> {
  return track(await new ForgeTls().open(new URL(url), options));
}

// ---------------------------------------------------------------------------------------------------------------
// Against node:tls over TCP
// ---------------------------------------------------------------------------------------------------------------

describe('ForgeTls against node:tls servers', () => {
  interface Seen {
    protocol: string | null;
    cipher: string;
    sni: string | false | null | undefined;
    alpn: string | false | null | undefined;
  }

  async function server(cert: PemCert, options: tls.TlsOptions = {}): Promise<{ s: LoopbackServer; seen: Seen[] }> {
    const seen: Seen[] = [];
    const s = await tlsEchoServer(cert, { ALPNProtocols: ['http/1.1'], ...options }, (socket) => {
      seen.push({ protocol: socket.getProtocol(), cipher: socket.getCipher().name, sni: socket.servername, alpn: socket.alpnProtocol });
    });
    return { s, seen };
  }

  async function roundTrip(t: Transport, text: string): Promise<void> {
    await t.write(bytesOf(text));
    expect(await readUntil(t, 5 + text.length)).toBe(`echo:${text}`);
  }

  it('a default server: TLS 1.3, SNI and ALPN http/1.1 sent, the IP SAN verified for 127.0.0.1', async () => {
    const { s, seen } = await server(good);
    const t = await open(s.url, { tls: { ca: good.caPem } });
    expect(t.secure).toBe(true);
    expect(t.remoteAddress).toBe('127.0.0.1');
    await roundTrip(t, 'GET / HTTP/1.1\r\n\r\n');
    expect(seen[0]).toMatchObject({ protocol: 'TLSv1.3', alpn: 'http/1.1' });
    expect(seen[0]!.sni).toBeFalsy(); // no SNI for an IP literal
    expect(negotiated(t)).toMatchObject({ version: 'TLSv1.3', alpn: 'http/1.1' });

    const named = await open(s.url, { tls: { ca: good.caPem, servername: 'localhost' } });
    await roundTrip(named, 'sni');
    expect(seen[1]!.sni).toBe('localhost');
  });

  it.each([
    ['TLS_AES_128_GCM_SHA256', { ciphers: 'TLS_AES_128_GCM_SHA256' }],
    ['TLS_AES_256_GCM_SHA384', { ciphers: 'TLS_AES_256_GCM_SHA384' }],
  ])('TLS 1.3 with %s', async (suite, options) => {
    const { s, seen } = await server(good, options);
    const t = await open(s.url, { tls: { ca: good.caPem } });
    await roundTrip(t, suite);
    expect(seen[0]!.cipher).toBe(suite);
    expect(negotiated(t).cipher).toBe(suite);
  });

  it.each([
    ['ECDHE-RSA-AES128-GCM-SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
    ['ECDHE-RSA-AES256-GCM-SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
  ])('a TLS 1.2-only server with %s', async (openssl, iana) => {
    const { s, seen } = await server(good, { maxVersion: 'TLSv1.2', ciphers: openssl });
    const t = await open(s.url, { tls: { ca: good.caPem } });
    await roundTrip(t, 'twelve');
    expect(seen[0]).toMatchObject({ protocol: 'TLSv1.2', cipher: openssl, alpn: 'http/1.1' });
    expect(negotiated(t)).toMatchObject({ version: 'TLSv1.2', cipher: iana });
  });

  it.each([
    ['TLS 1.3', {}, 'TLSv1.3', 'ecdsa certificate, RSA CA'],
    ['TLS 1.2, ECDHE-ECDSA-AES128-GCM-SHA256', { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }, 'TLSv1.2', 'RSA CA'],
    ['TLS 1.2, ECDHE-ECDSA-AES256-GCM-SHA384', { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' }, 'TLSv1.2', 'EC CA'],
    ['TLS 1.3, EC CA', {}, 'TLSv1.3', 'EC CA'],
  ] as const)('an ECDSA P-256 certificate: %s', async (_name, options, protocol, ca) => {
    const cert = issueEcCert({ ips: ['127.0.0.1'], ...(ca === 'EC CA' ? { issuer: createEcCa() } : {}) });
    const { s, seen } = await server(cert, options);
    const t = await open(s.url, { tls: { ca: cert.caPem } });
    await roundTrip(t, 'ec');
    expect(seen[0]!.protocol).toBe(protocol);
  });

  it.each([
    ['P-384', 'secp384r1'],
    ['P-256', 'secp256r1'],
  ])('HelloRetryRequest: a server that wants %s (the client sends an X25519 share first)', async (curve, group) => {
    const { s, seen } = await server(good, { ecdhCurve: curve });
    const t = await open(s.url, { tls: { ca: good.caPem } });
    await roundTrip(t, 'retry');
    expect(seen[0]!.protocol).toBe('TLSv1.3');
    expect(negotiated(t).group).toBe(group);
  });

  it('tls.minVersion TLSv1.3 refuses a TLS 1.2-only server → handshake (the server says protocol_version)', async () => {
    const { s } = await server(good, { maxVersion: 'TLSv1.2' });
    const error = await failure(open(s.url, { tls: { ca: good.caPem, minVersion: 'TLSv1.3' } }));
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ reason: 'handshake' });
    expect(error.message).toMatch(/protocol_version/);
  });

  it('tls.minVersion TLSv1.3 against a TLS 1.3 server works', async () => {
    const { s, seen } = await server(good, { minVersion: 'TLSv1.3' });
    const t = await open(s.url, { tls: { ca: good.caPem, minVersion: 'TLSv1.3' } });
    await roundTrip(t, 'only13');
    expect(seen[0]!.protocol).toBe('TLSv1.3');
  });

  it('a server with only ChaCha20-Poly1305 (not in WebCrypto) → handshake, naming the likely cause', async () => {
    const { s } = await server(good, { ciphers: 'TLS_CHACHA20_POLY1305_SHA256', maxVersion: 'TLSv1.3', minVersion: 'TLSv1.3' });
    const error = await failure(open(s.url, { tls: { ca: good.caPem } }));
    expect(error).toMatchObject({ reason: 'handshake' });
    expect(error.message).toMatch(/handshake_failure.*cipher suites/);
  });

  it('a server of TLS 1.0/1.1 only → handshake; the legacy engine is only used when minVersion asks', async () => {
    const { s } = await server(good, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'AES128-SHA:@SECLEVEL=0' });
    const error = await failure(open(s.url, { tls: { ca: good.caPem } }));
    expect(error).toMatchObject({ reason: 'handshake' });
  });

  it.each([
    ['TLS 1.3', {}],
    ['TLS 1.2', { maxVersion: 'TLSv1.2' }],
  ] as const)('%s: a certificate message longer than a record (40 kB of names) is reassembled', async (_name, options) => {
    const names = Array.from({ length: 2000 }, (_, i) => `host-${i}.long-certificate.example`);
    const big = issueCert({ dns: names, ips: ['127.0.0.1'] });
    expect(big.certPem.length).toBeGreaterThan(4 * 16384 / 3);
    const { s } = await server(big, options);
    const t = await open(s.url, { tls: { ca: big.caPem } });
    await roundTrip(t, 'big');
  });

  it('carries 1 MiB each way', async () => {
    const piped = tls.createServer({ key: good.keyPem, cert: good.certPem }, (socket) => socket.pipe(socket));
    const s = await listen(piped, { scheme: 'https' });
    const t = await open(s.url, { tls: { ca: good.caPem } });
    const payload = new Uint8Array(1 << 20).map((_, i) => (i * 31 + (i >> 10)) & 0xff);
    await t.write(payload);
    const back = await readUntil(t, payload.length);
    expect(back.length).toBe(payload.length);
    expect(back === latin1(payload)).toBe(true);
  });

  it('close() sends close_notify: the server sees the end of the TLS stream', async () => {
    let ended!: () => void;
    const end = new Promise<void>((resolve) => (ended = resolve));
    const { s } = await server(good);
    (s.server as tls.Server).on('secureConnection', (socket) => socket.on('end', () => ended()));
    const t = await open(s.url, { tls: { ca: good.caPem } });
    await roundTrip(t, 'bye');
    await t.close();
    await end;
    await t.close();
    expect(await t.read()).toBeNull();
    await expect(t.write(bytesOf('late'))).rejects.toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
  });

  it('the server ending the TLS stream (close_notify) ends reads with null', async () => {
    const { s } = await server(good);
    // Node 20 sends close_notify on an end() with nothing written before (after data it may send only a FIN).
    (s.server as tls.Server).on('secureConnection', (socket) => socket.end());
    const t = await open(s.url, { tls: { ca: good.caPem } });
    expect(await t.read()).toBeNull();
    expect(await t.read()).toBeNull();
  });

  it('the TCP stream cut without close_notify → TlsError(protocol) on read (possible truncation)', async () => {
    const { s } = await server(good);
    const t = await open(s.url, { tls: { ca: good.caPem } });
    await roundTrip(t, 'x');
    s.sockets[0]!.destroy();
    const error = await failure(t.read());
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ reason: 'protocol' });
    expect(error.message).toMatch(/without a TLS close_notify/);
  });

  it('the TCP stream cut without close_notify with nothing received since the last write → a plain end (null)', async () => {
    // As a server that drops a kept-alive connection when the next request comes: no byte back, no close_notify.
    let requests = 0;
    const dropping = tls.createServer({ key: good.keyPem, cert: good.certPem }, (socket) => {
      socket.on('error', () => {});
      socket.on('data', (data: Buffer) => (requests++ === 0 ? socket.write(`echo:${data.toString('latin1')}`) : socket.destroy()));
    });
    const s = await listen(dropping, { scheme: 'https' });
    const t = await open(s.url, { tls: { ca: good.caPem } });
    await roundTrip(t, 'x');
    await t.write(bytesOf('next request'));
    expect(await t.read()).toBeNull();
    expect(requests).toBe(2);
  });

  it('a refused port (through the default inner factory, NodeTcp) is a TransportError', async () => {
    const { s } = await server(good);
    await closeServer(s);
    const error = await failure(open(s.url, { tls: { ca: good.caPem } }));
    expect(error).toBeInstanceOf(TransportError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Certificates refused (and accepted), over TCP
// ---------------------------------------------------------------------------------------------------------------

describe('ForgeTls certificate verification', () => {
  async function refused(cert: PemCert, url: (s: LoopbackServer) => string, tlsOptions: TransportOptions['tls'], clock?: Clock): Promise<TlsError> {
    const s = await tlsEchoServer(cert);
    const error = await failure(open(url(s), { tls: tlsOptions, ...(clock ? { clock } : {}) }));
    expect(error).toBeInstanceOf(TlsError);
    return error as TlsError;
  }
  const local = (s: LoopbackServer): string => s.url;
  const named = (host: string) => (s: LoopbackServer): string => `https://${host}:${s.port}/`;

  it('a certificate from another CA → untrusted', async () => {
    const error = await refused(localhostCert({ issuer: createCa('Untrusted CA') }), local, { ca: good.caPem });
    expect(error.reason).toBe('untrusted');
    expect(error.message).toMatch(/not signed by a trusted certificate authority/);
  });

  it('an ECDSA certificate from an EC CA that is not trusted → untrusted', async () => {
    const error = await refused(issueEcCert({ ips: ['127.0.0.1'], issuer: createEcCa('Other EC CA') }), local, { ca: createEcCa().certPem });
    expect(error.reason).toBe('untrusted');
  });

  it('a self-signed certificate → untrusted', async () => {
    expect((await refused(localhostCert({ selfSigned: true }), local, { ca: good.caPem })).reason).toBe('untrusted');
  });

  it('a certificate whose issuer name matches a trusted CA but whose signature does not → untrusted', async () => {
    // Same subject name as the trusted CA, another key.
    const impostor = createCa('io-http Test CA');
    const error = await refused(localhostCert({ issuer: impostor }), local, { ca: good.caPem });
    expect(error.reason).toBe('untrusted');
    expect(error.message).toMatch(/signature that does not verify/);
  });

  it('expired, RSA and ECDSA → expired', async () => {
    expect((await refused(localhostCert(expiredWindow()), local, { ca: good.caPem })).reason).toBe('expired');
    const ec = issueEcCert({ ips: ['127.0.0.1'], ...expiredWindow() });
    const error = await refused(ec, local, { ca: ec.caPem });
    expect(error.reason).toBe('expired');
    expect(error.message).toMatch(/has expired: it was valid until/);
  });

  it('not valid yet → not-yet-valid', async () => {
    const error = await refused(localhostCert(futureWindow()), local, { ca: good.caPem });
    expect(error.reason).toBe('not-yet-valid');
    expect(error.message).toMatch(/not valid yet/);
  });

  it('validity is checked on the session clock (options.clock), not the wall clock', async () => {
    const at = (ms: number): Clock => ({ ...systemClock, now: () => ms });
    const inThreeDays = at(Date.now() + 3 * 24 * 3600_000);
    expect((await refused(good, local, { ca: good.caPem }, inThreeDays)).reason).toBe('expired');
    const yesterday = at(Date.now() - 2 * 3600_000);
    expect((await refused(good, local, { ca: good.caPem }, yesterday)).reason).toBe('not-yet-valid');
  });

  it('a SAN DNS mismatch → hostname, naming what the certificate is for', async () => {
    const error = await refused(issueCert({ dns: ['other.example'] }), named('localhost'), { ca: good.caPem });
    expect(error.reason).toBe('hostname');
    expect(error.message).toMatch(/not valid for the name 'localhost' \(it names: other\.example\)/);
  });

  it('an IP host not in the IP SANs → hostname (a DNS SAN spelling the IP does not count)', async () => {
    const error = await refused(issueCert({ cn: '127.0.0.1', dns: ['127.0.0.1'] }), local, { ca: good.caPem });
    expect(error.reason).toBe('hostname');
  });

  it('a wildcard matches one label only; tls.servername overrides the URL host', async () => {
    const cert = issueCert({ dns: ['*.example.com'] });
    expect((await refused(cert, local, { ca: cert.caPem, servername: 'example.com' })).reason).toBe('hostname');
    expect((await refused(cert, local, { ca: cert.caPem, servername: 'a.b.example.com' })).reason).toBe('hostname');
    const s = await tlsEchoServer(cert);
    const t = await open(s.url, { tls: { ca: cert.caPem, servername: 'API.Example.com' } });
    await t.write(bytesOf('w'));
    expect(await readUntil(t, 6)).toBe('echo:w');
  });

  it('the CN is used only without any SAN', async () => {
    const cnOnly = issueCert({ cn: 'legacy.example' });
    const s = await tlsEchoServer(cnOnly);
    const t = await open(s.url, { tls: { ca: cnOnly.caPem, servername: 'legacy.example' } });
    await t.write(bytesOf('c'));
    expect(await readUntil(t, 6)).toBe('echo:c');
    expect((await refused(issueCert({ cn: 'legacy.example', dns: ['other.example'] }), local, { ca: good.caPem, servername: 'legacy.example' })).reason).toBe('hostname');
  });

  describe('chains through an intermediate CA sent by the server', () => {
    function intermediate(options: { isCa: boolean; keyCertSign?: boolean }): { cert: PemCert; chain: string } {
      const root = testCa();
      const middle = createCa('io-http Intermediate');
      // Re-issue the intermediate under the root.
      const forge = require('node-forge') as typeof import('node-forge');
      const cert = forge.pki.createCertificate();
      cert.publicKey = middle.keys.publicKey;
      cert.serialNumber = '01aa';
      cert.validity.notBefore = new Date(Date.now() - 3600_000);
      cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
      cert.setSubject(middle.cert.subject.attributes);
      cert.setIssuer(root.cert.subject.attributes);
      cert.setExtensions([
        { name: 'basicConstraints', cA: options.isCa, critical: true },
        { name: 'keyUsage', keyCertSign: options.keyCertSign ?? true, digitalSignature: true, critical: true },
      ]);
      cert.sign(root.keys.privateKey, forge.md.sha256.create());
      const middlePem = forge.pki.certificateToPem(cert);
      const leaf = localhostCert({ issuer: { ...middle, cert, certPem: middlePem } });
      return { cert: { ...leaf, certPem: leaf.certPem + middlePem, caPem: root.certPem }, chain: middlePem };
    }

    it('a valid intermediate: accepted, RSA leaf', async () => {
      const { cert } = intermediate({ isCa: true });
      const s = await tlsEchoServer(cert);
      const t = await open(s.url, { tls: { ca: cert.caPem } });
      await t.write(bytesOf('i'));
      expect(await readUntil(t, 6)).toBe('echo:i');
    });

    it('an intermediate that is not a CA → untrusted', async () => {
      const { cert } = intermediate({ isCa: false });
      const error = await refused(cert, local, { ca: cert.caPem });
      expect(error.reason).toBe('untrusted');
      expect(error.message).toMatch(/is not a CA/);
    });

    it('an intermediate without keyCertSign → untrusted', async () => {
      const { cert } = intermediate({ isCa: true, keyCertSign: false });
      const error = await refused(cert, local, { ca: cert.caPem });
      expect(error.reason).toBe('untrusted');
      expect(error.message).toMatch(/may not sign certificates/);
    });
  });

  it('a leaf whose extKeyUsage lacks serverAuth → untrusted', async () => {
    const forge = require('node-forge') as typeof import('node-forge');
    const base = localhostCert();
    const cert = forge.pki.certificateFromPem(base.certPem);
    cert.setExtensions([
      { name: 'extKeyUsage', clientAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ]);
    cert.sign(testCa().keys.privateKey, forge.md.sha256.create());
    const error = await refused({ ...base, certPem: forge.pki.certificateToPem(cert) }, local, { ca: good.caPem });
    expect(error.reason).toBe('untrusted');
    expect(error.message).toMatch(/serverAuth/);
  });

  it('rejectUnauthorized: false skips every check (no CA needed)', async () => {
    const cert = issueCert({ dns: ['other.example'], selfSigned: true, ...expiredWindow() });
    const s = await tlsEchoServer(cert);
    const t = await open(s.url, { tls: { rejectUnauthorized: false } });
    await t.write(bytesOf('u'));
    expect(await readUntil(t, 6)).toBe('echo:u');
  });

  it('the CA as DER bytes, among other CAs (RSA and EC)', async () => {
    const forge = require('node-forge') as typeof import('node-forge');
    const der = forge.asn1.toDer(forge.pki.certificateToAsn1(testCa().cert)).getBytes();
    const s = await tlsEchoServer(good);
    const t = await open(s.url, { tls: { ca: [createEcCa().certPem, createCa('Another CA').certPem, new Uint8Array(Buffer.from(der, 'latin1'))] } });
    await t.write(bytesOf('d'));
    expect(await readUntil(t, 6)).toBe('echo:d');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Over an in-memory pair: a node:tls server on the other end of a byte pipe
// ---------------------------------------------------------------------------------------------------------------

async function wrap(inner: Transport, url: string, options: TransportOptions): Promise<Transport> {
  return track(await ForgeTls.wrap(inner, url, options));
}

describe('ForgeTls.wrap over an in-memory pair', () => {
  it('handshakes (TLS 1.3), verifies and exchanges bytes both ways; close sends close_notify', async () => {
    const { client, server } = pair(good);
    const t = await wrap(client, 'https://localhost/', { tls: { ca: good.caPem } });
    expect(t.remoteAddress).toBe('memory');
    await t.write(bytesOf('hello'));
    expect(await readUntil(t, 10)).toBe('echo:hello');
    expect(server.socket.getProtocol()).toBe('TLSv1.3');
    await t.close();
    await server.ended;
    expect(client.isClosed).toBe(true);
  });

  it.each([1, 7, 997])('every record arriving in pieces of %i bytes, 100 kB each way', async (split) => {
    const { client, server } = pair(good, { split, onData: () => {} });
    const t = await wrap(client, 'https://localhost/', { tls: { ca: good.caPem } });
    const payload = new Uint8Array(split === 1 ? 20_000 : 100_000).map((_, i) => (i * 7 + (i >> 8)) & 0xff);
    await t.write(payload);
    for (let i = 0; i < 500 && server.received().length < payload.length; i++) await tick(2);
    expect(server.received() === latin1(payload)).toBe(true);
    server.socket.write(Buffer.from(payload));
    expect((await readUntil(t, payload.length)) === latin1(payload)).toBe(true);
  });

  it('TLS 1.2 over the pipe, with an ECDSA certificate', async () => {
    const cert = issueEcCert({ dns: ['localhost'] });
    const { client, server } = pair(cert, { tls: { maxVersion: 'TLSv1.2' } });
    const t = await wrap(client, 'https://localhost/', { tls: { ca: cert.caPem } });
    await t.write(bytesOf('ec12'));
    expect(await readUntil(t, 9)).toBe('echo:ec12');
    expect(server.socket.getProtocol()).toBe('TLSv1.2');
  });

  it.each([
    ['TLS 1.3', {}],
    ['TLS 1.2', { maxVersion: 'TLSv1.2' }],
  ] as const)('%s: a server asking for a client certificate gets none; it may go on', async (_name, options) => {
    const { client, server } = pair(good, { requestCert: true, tls: options });
    const t = await wrap(client, 'https://localhost/', { tls: { ca: good.caPem } });
    await t.write(bytesOf('m'));
    expect(await readUntil(t, 6)).toBe('echo:m');
    expect(server.socket.getPeerCertificate()).toEqual({});
  });

  it('a corrupted record after the handshake → TlsError(protocol) on read and on every later write', async () => {
    const { client, server } = pair(good);
    const t = await wrap(client, 'https://localhost/', { tls: { ca: good.caPem } });
    await t.write(bytesOf('x'));
    await readUntil(t, 6);
    const garbage = new Uint8Array(5 + 48);
    garbage.set([23, 3, 3, 0, 48]);
    garbage.fill(0xab, 5);
    await server.end.write(garbage);
    const error = await failure(t.read());
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ reason: 'protocol' });
    expect(error.message).toMatch(/bad_record_mac/);
    await expect(t.write(bytesOf('x'))).rejects.toBe(error);
  });

  describe('client certificates (mutual TLS)', () => {
    const rsaClient = issueCert({ cn: 'rsa client' });
    const ecClient = issueEcCert({ cn: 'ec client' });

    it.each([
      ['TLS 1.3, RSA key (PKCS#1 PEM)', {}, rsaClient, 'rsa client'],
      ['TLS 1.2, RSA key (PKCS#1 PEM)', { maxVersion: 'TLSv1.2' }, rsaClient, 'rsa client'],
      ['TLS 1.3, EC P-256 key (PKCS#8 PEM)', {}, ecClient, 'ec client'],
      ['TLS 1.2, EC P-256 key (PKCS#8 PEM)', { maxVersion: 'TLSv1.2' }, ecClient, 'ec client'],
    ] as const)('%s: a node:tls server that requires one verifies it', async (_name, options, cert, cn) => {
      const seen: Array<{ authorized: boolean; cn: string }> = [];
      const s = await tlsEchoServer(good, { ...options, requestCert: true, rejectUnauthorized: true, ca: testCa().certPem }, (socket) =>
        seen.push({ authorized: socket.authorized, cn: String(socket.getPeerCertificate().subject.CN) }),
      );
      const t = await open(s.url, { tls: { ca: good.caPem, cert: cert.certPem, key: cert.keyPem } });
      await t.write(bytesOf('mutual'));
      expect(await readUntil(t, 11)).toBe('echo:mutual');
      expect(seen).toEqual([{ authorized: true, cn }]);
    });

    it('the key as DER (PKCS#8 and SEC1) works too, over a pipe', async () => {
      const { createPrivateKey } = require('node:crypto') as typeof import('node:crypto');
      for (const type of ['pkcs8', 'sec1'] as const) {
        const key = new Uint8Array(createPrivateKey(ecClient.keyPem).export({ type, format: 'der' }));
        const { client, server } = pair(good, { requestCert: true, requireCert: true, tls: { ca: testCa().certPem } });
        const t = await wrap(client, 'https://localhost/', { tls: { ca: good.caPem, cert: ecClient.certPem, key } });
        await t.write(bytesOf('der'));
        expect(await readUntil(t, 8)).toBe('echo:der');
        expect(server.socket.getPeerCertificate().subject.CN).toBe('ec client');
      }
    });

    it('TLS 1.2: without a certificate, a server that requires one refuses the handshake → TlsError(handshake)', async () => {
      const { client } = pair(good, { requestCert: true, requireCert: true, tls: { maxVersion: 'TLSv1.2', ca: testCa().certPem } });
      const error = await failure(wrap(client, 'https://localhost/', { tls: { ca: good.caPem } }));
      expect(error).toMatchObject({ reason: 'handshake' });
      expect(error.message).toMatch(/alert handshake_failure/);
    });

    it('TLS 1.3: without a certificate, the server refuses after the handshake → the first read fails, TlsError(protocol)', async () => {
      const s = await tlsEchoServer(good, { requestCert: true, rejectUnauthorized: true, ca: testCa().certPem });
      const t = await open(s.url, { tls: { ca: good.caPem } });
      const error = await failure(t.read());
      expect(error).toMatchObject({ reason: 'protocol' });
      expect(error.message).toMatch(/certificate_required \(116\)/);
    });

    it('a key that cannot be read → UsageError ERR_TLS_BAD_KEY, before any byte is sent', async () => {
      const [client, serverEnd] = InMemoryTransport.pair();
      const error = await failure(ForgeTls.wrap(client, 'https://localhost/', { tls: { ca: good.caPem, cert: rsaClient.certPem, key: 'not a key' } }));
      expect(error).toBeInstanceOf(UsageError);
      expect(error).toMatchObject({ code: 'ERR_TLS_BAD_KEY' });
      expect(await serverEnd.read()).toBeNull();
    });
  });
});

describe('ForgeTls: usage errors, timeouts and abort', () => {
  it('without tls.ca → UsageError ERR_TLS_CA_REQUIRED, before any byte is sent; the inner transport is closed', async () => {
    const [client, serverEnd] = InMemoryTransport.pair();
    const error = await failure(ForgeTls.wrap(client, 'https://localhost/', {}));
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ code: 'ERR_TLS_CA_REQUIRED' });
    expect(client.isClosed).toBe(true);
    expect(await serverEnd.read()).toBeNull();
  });

  it('open() without tls.ca fails before connecting', async () => {
    const inner: TransportFactory = { open: jest.fn() };
    const error = await failure(new ForgeTls({ inner }).open(new URL('https://localhost/'), { tls: {} }));
    expect(error).toMatchObject({ code: 'ERR_TLS_CA_REQUIRED' });
    expect(inner.open).not.toHaveBeenCalled();
  });

  it('a CA that cannot be read → UsageError', async () => {
    const [client] = InMemoryTransport.pair();
    const bad = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(await failure(ForgeTls.wrap(client, 'https://localhost/', { tls: { ca: bad } }))).toBeInstanceOf(UsageError);
    const [c2] = InMemoryTransport.pair();
    expect(await failure(ForgeTls.wrap(c2, 'https://localhost/', { tls: { ca: 'not a pem' } }))).toBeInstanceOf(UsageError);
  });

  it('open() runs over the given inner factory, passing the URL, connect timeout, clock and signal (not tls)', async () => {
    const seen: Array<{ url: string; options: TransportOptions }> = [];
    const inner: TransportFactory = {
      open: async (url, options) => {
        seen.push({ url: url.href, options });
        return pair(good).client;
      },
    };
    // A clock that reads the wall time (for certificate validity) and counts the timers armed through it.
    let armed = 0;
    const clock: Clock = { ...systemClock, setTimeout: (cb, ms) => (armed++, systemClock.setTimeout(cb, ms)) };
    const t = track(await new ForgeTls({ inner }).open(new URL('https://localhost:8443/x'), { tls: { ca: good.caPem }, timeouts: { connect: 100, tls: 2000 }, clock }));
    expect(seen).toEqual([{ url: 'https://localhost:8443/x', options: { clock, timeouts: { connect: 100 } } }]);
    expect(armed).toBe(1);
    await t.write(bytesOf('f'));
    expect(await readUntil(t, 6)).toBe('echo:f');
  });

  it('a server that never answers → TimeoutError(tls) by the clock; the inner transport is closed', async () => {
    const [client, serverEnd] = InMemoryTransport.pair();
    const clock = new ManualClock();
    const settled = failure(ForgeTls.wrap(client, 'https://localhost/', { tls: { ca: good.caPem }, timeouts: { tls: 3000 }, clock }));
    // The ClientHello is sent (its key share comes from WebCrypto, in its own time), and nothing answers it.
    expect((await serverEnd.read())![0]).toBe(22);
    expect(clock.pending).toBe(1);
    clock.advance(2999);
    await tick();
    clock.advance(1);
    const error = await settled;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: 'tls', ms: 3000 });
    expect(client.isClosed).toBe(true);
  });

  it('aborting during the handshake → AbortError; an aborted signal rejects at once', async () => {
    const [client] = InMemoryTransport.pair();
    const controller = new AbortController();
    const settled = failure(ForgeTls.wrap(client, 'https://localhost/', { tls: { ca: good.caPem }, signal: controller.signal }));
    await tick();
    controller.abort(new Error('stop'));
    expect(await settled).toBeInstanceOf(AbortError);
    expect(client.isClosed).toBe(true);
    const [c2] = InMemoryTransport.pair();
    expect(await failure(ForgeTls.wrap(c2, 'https://localhost/', { tls: { ca: good.caPem }, signal: AbortSignal.abort() }))).toBeInstanceOf(AbortError);
  });

  it('the server closing during the handshake → TlsError(handshake)', async () => {
    const [client, serverEnd] = InMemoryTransport.pair();
    void serverEnd.read().then(() => serverEnd.close());
    const error = await failure(ForgeTls.wrap(client, 'https://localhost/', { tls: { ca: good.caPem } }));
    expect(error).toMatchObject({ reason: 'handshake' });
    expect(error.message).toMatch(/closed the connection during the TLS handshake/);
  });

  it('a non-TLS answer → TlsError(handshake) with the offset', async () => {
    const [client, serverEnd] = InMemoryTransport.pair();
    void serverEnd.read().then(() => serverEnd.write(bytesOf('HTTP/1.1 400 Bad Request\r\n\r\n')));
    const error = await failure(ForgeTls.wrap(client, 'https://localhost/', { tls: { ca: good.caPem } }));
    expect(error).toMatchObject({ reason: 'handshake', offset: 0 });
  });
});
