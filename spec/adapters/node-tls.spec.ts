import * as net from 'node:net';
import * as tls from 'node:tls';
import { NodeTls, toTlsError } from '../../adapters/node-tls';
import { AbortError, TimeoutError, TlsError, TransportError } from '../../lib/message/errors';
import { ManualClock } from '../../lib/transport/clock';
import type { Transport, TransportOptions } from '../../lib/transport/transport';
import { bytesOf } from '../support/bytes';
import { createCa, expiredWindow, futureWindow, issueCert, localhostCert, testCa, type TestCert } from '../support/certs';
import { closeServer, closeServers, listen, type LoopbackServer, tlsEchoServer } from '../support/servers';
import { closeTransports, failure, readUntil, track } from '../support/transports';

/** The TLS echo server of these specs: it also offers ALPN 'http/1.1'. */
function tlsServer(cert: TestCert, options: tls.TlsOptions = {}, seen?: (socket: tls.TLSSocket) => void): Promise<LoopbackServer> {
  return tlsEchoServer(cert, { ALPNProtocols: ['http/1.1'], ...options }, seen);
}

/** A plain TCP server that accepts and never answers: a TLS handshake to it hangs. */
function silentServer(): Promise<LoopbackServer> {
  return listen(net.createServer(() => {}), { scheme: 'https' });
}

async function open(url: string, options: TransportOptions = {}): Promise<Transport> {
  return track(await new NodeTls().open(new URL(url), options));
}

afterEach(async () => {
  await closeTransports();
  await closeServers();
});

/** Writes `message` to the echo server and reads its answer, 'echo:' + message. */
async function echo(transport: Transport, message: string): Promise<string> {
  await transport.write(bytesOf(message));
  return readUntil(transport, 'echo:'.length + message.length);
}

const good = localhostCert();

describe('NodeTls: verified connections', () => {
  it('exchanges bytes with a server whose certificate chains to tls.ca, verified against the IP host', async () => {
    let alpn: string | false | null = null;
    const s = await tlsServer(good, {}, (socket) => (alpn = socket.alpnProtocol));
    const t = await open(s.url, { tls: { ca: good.caPem } });
    expect(t.secure).toBe(true);
    expect(t.remoteAddress).toBe('127.0.0.1');
    expect(t.remotePort).toBe(s.port);
    expect(await echo(t, 'hello')).toBe('echo:hello');
    expect(alpn).toBe('http/1.1');
  });

  it('sends tls.servername as SNI and verifies the certificate against it', async () => {
    let sni: string | false | null | undefined;
    const s = await tlsServer(good, {}, (socket) => (sni = socket.servername));
    const t = await open(s.url, { tls: { ca: good.caPem, servername: 'localhost' } });
    expect(await echo(t, 'sni')).toBe('echo:sni');
    expect(sni).toBe('localhost');
  });

  it('sends no SNI for an IP address host', async () => {
    let sni: string | false | null | undefined = 'unset';
    const s = await tlsServer(good, {}, (socket) => (sni = socket.servername));
    const t = await open(s.url, { tls: { ca: good.caPem } });
    expect(await echo(t, 'x')).toBe('echo:x');
    expect(sni).toBeFalsy();
  });

  it('accepts tls.ca as bytes and as a list', async () => {
    const s = await tlsServer(good);
    const other = createCa('Unrelated CA');
    const t = await open(s.url, { tls: { ca: [other.certPem, new Uint8Array(Buffer.from(good.caPem))] } });
    expect(await echo(t, 'list')).toBe('echo:list');
  });

  it('presents a client certificate that the server requires', async () => {
    let authorized: boolean | undefined;
    let peerCn: string | undefined;
    const client = issueCert({ cn: 'io-http client' });
    const s = await tlsServer(good, { requestCert: true, rejectUnauthorized: true, ca: testCa().certPem }, (socket) => {
      authorized = socket.authorized;
      peerCn = String(socket.getPeerCertificate().subject?.CN);
    });
    const t = await open(s.url, { tls: { ca: good.caPem, cert: client.certPem, key: client.keyPem } });
    expect(await echo(t, 'mtls')).toBe('echo:mtls');
    expect(authorized).toBe(true);
    expect(peerCn).toBe('io-http client');
  });

  it('without the client certificate the server refuses the connection (TLS 1.3: at the first read)', async () => {
    const s = await tlsServer(good, { requestCert: true, rejectUnauthorized: true, ca: testCa().certPem });
    // With TLS 1.3 the client finishes its side of the handshake first; the server's refusal (alert 116,
    // certificate_required) then fails the first read, as the adapter's TransportError.
    let error: unknown;
    try {
      const t = await open(s.url, { tls: { ca: good.caPem } });
      await t.write(bytesOf('x'));
      const chunk = await t.read();
      if (chunk === null) error = 'closed';
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(((error as Error).cause as NodeJS.ErrnoException | undefined)?.code).toMatch(/CERTIFICATE_REQUIRED/);
  });

  it('without the client certificate a TLS 1.2 server refuses the handshake → handshake', async () => {
    const s = await tlsServer(good, { requestCert: true, rejectUnauthorized: true, ca: testCa().certPem, maxVersion: 'TLSv1.2' });
    const error = await failure(open(s.url, { tls: { ca: good.caPem } }));
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ reason: 'handshake' });
  });

  it('rejectUnauthorized: false accepts an untrusted certificate', async () => {
    const self = issueCert({ dns: ['localhost'], selfSigned: true });
    const s = await tlsServer(self);
    const t = await open(s.url, { tls: { rejectUnauthorized: false } });
    expect(await echo(t, 'unsafe')).toBe('echo:unsafe');
  });
});

describe('NodeTls: refused certificates', () => {
  it('a certificate from a CA not in tls.ca (nor in Node\'s roots) → untrusted', async () => {
    const s = await tlsServer(good);
    const error = await failure(open(s.url));
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ code: 'ERR_TLS', reason: 'untrusted' });
    expect(error.message).toMatch(/not signed by a trusted certificate authority/);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('a self-signed certificate → untrusted', async () => {
    const s = await tlsServer(issueCert({ dns: ['localhost'], ips: ['127.0.0.1'], selfSigned: true }));
    const error = await failure(open(s.url, { tls: { ca: good.caPem } }));
    expect(error).toMatchObject({ reason: 'untrusted' });
    expect((error.cause as NodeJS.ErrnoException).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('an expired certificate → expired', async () => {
    const s = await tlsServer(localhostCert(expiredWindow()));
    const error = await failure(open(s.url, { tls: { ca: good.caPem } }));
    expect(error).toMatchObject({ reason: 'expired' });
    expect(error.message).toMatch(/has expired/);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('CERT_HAS_EXPIRED');
  });

  it('a certificate not valid yet → not-yet-valid', async () => {
    const s = await tlsServer(localhostCert(futureWindow()));
    const error = await failure(open(s.url, { tls: { ca: good.caPem } }));
    expect(error).toMatchObject({ reason: 'not-yet-valid' });
    expect(error.message).toMatch(/not valid yet/);
  });

  it('a certificate for another name → hostname (IP host and servername)', async () => {
    const s = await tlsServer(issueCert({ dns: ['other.example'] }));
    const byIp = await failure(open(s.url, { tls: { ca: good.caPem } }));
    expect(byIp).toMatchObject({ reason: 'hostname' });
    expect(byIp.message).toMatch(/not valid for the name '127\.0\.0\.1'/);
    expect((byIp.cause as NodeJS.ErrnoException).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    const byName = await failure(open(s.url, { tls: { ca: good.caPem, servername: 'localhost' } }));
    expect(byName).toMatchObject({ reason: 'hostname' });
    expect(byName.message).toMatch(/'localhost'/);
  });

  it('a server that only speaks TLS 1.1 is refused by the default minVersion TLSv1.2 → handshake', async () => {
    const s = await tlsServer(good, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' });
    const error = await failure(open(s.url, { tls: { ca: good.caPem } }));
    expect(error).toMatchObject({ reason: 'handshake' });
    expect(error.message).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ failed/);
  });

  it('maps Node error codes to reasons', () => {
    const reason = (code: string): string => toTlsError(Object.assign(new Error('x'), { code }), 'h:1', 'h').reason;
    expect(reason('CERT_HAS_EXPIRED')).toBe('expired');
    expect(reason('CERT_NOT_YET_VALID')).toBe('not-yet-valid');
    for (const code of ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']) {
      expect(reason(code)).toBe('untrusted');
    }
    expect(reason('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('hostname');
    expect(reason('ERR_SSL_WRONG_VERSION_NUMBER')).toBe('handshake');
    expect(reason('ECONNRESET')).toBe('handshake');
  });
});

describe('NodeTls: connect failures, timeouts and abort', () => {
  it('a refused TCP connection is a TransportError, not a TlsError', async () => {
    const s = await silentServer();
    const port = s.port;
    await closeServer(s);
    const error = await failure(open(`https://127.0.0.1:${port}/`));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'ERR_CONNECTION_REFUSED' });
  });

  it('a server that never answers the ClientHello → TimeoutError(tls) by the clock', async () => {
    const s = await silentServer();
    const clock = new ManualClock();
    const opening = open(s.url, { tls: { ca: good.caPem }, timeouts: { tls: 5000 }, clock });
    const settled = failure(opening);
    // The handshake timer is armed once the TCP connection is made.
    for (let i = 0; i < 200 && clock.pending === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(clock.pending).toBe(1);
    clock.advance(4999);
    clock.advance(1);
    const error = await settled;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ phase: 'tls', ms: 5000 });
  });

  it('the connect timer is replaced by the handshake timer once TCP is up', async () => {
    const s = await silentServer();
    const clock = new ManualClock();
    const settled = failure(open(s.url, { timeouts: { connect: 1000, tls: 3000 }, clock }));
    expect(clock.pending).toBe(1);
    for (let i = 0; i < 200 && s.sockets.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    clock.advance(1000); // past the connect timeout: nothing, TCP is connected
    expect(clock.pending).toBe(1);
    clock.advance(2000);
    expect(await settled).toMatchObject({ name: 'TimeoutError', phase: 'tls', ms: 3000 });
  });

  it('aborting during the handshake rejects with AbortError', async () => {
    const s = await silentServer();
    const controller = new AbortController();
    const settled = failure(open(s.url, { signal: controller.signal }));
    for (let i = 0; i < 200 && s.sockets.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error('user gave up'));
    const error = await settled;
    expect(error).toBeInstanceOf(AbortError);
    expect(error.message).toMatch(/user gave up/);
  });

  it('an already aborted signal rejects at once', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(open('https://127.0.0.1:1/', { signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortError);
  });
});
