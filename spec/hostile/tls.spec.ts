/**
 * Hostile TLS servers, against both TLS adapters through the session: certificates a client must refuse
 * (expired, not yet valid, self-signed, from an unknown CA, for another name), a server that closes in the
 * middle of the handshake, and one that answers the ClientHello in plaintext. Each is a TlsError whose
 * `reason` says why; no request byte ever reaches the server, and the connection is closed.
 */
import * as net from 'node:net';
import type * as tls from 'node:tls';
import { Session, TlsError } from '../../lib/index';
import { createCa, expiredWindow, futureWindow, issueCert, localhostCert, testCa, type TestCert } from '../support/certs';
import { allClosed, rejectionWithin } from '../support/hostile';
import { closeServers, listen, tlsEchoServer } from '../support/servers';

afterEach(closeServers);

/** The two adapters, each with the server settings it can talk to. */
const adapters: Array<{ adapter: string; transport: string | undefined; server: tls.TlsOptions }> = [
  { adapter: 'NodeTls', transport: undefined, server: {} },
  { adapter: 'ForgeTls', transport: 'forge-tls', server: {} },
];

/** Certificates to refuse, what the client is told to trust and expect, and the reason it must give. */
const refusals: Array<{ what: string; cert: () => TestCert; servername?: string; reason: string }> = [
  { what: 'an expired certificate', cert: () => localhostCert(expiredWindow()), reason: 'expired' },
  { what: 'a certificate not valid yet', cert: () => localhostCert(futureWindow()), reason: 'not-yet-valid' },
  { what: 'a self-signed certificate', cert: () => localhostCert({ selfSigned: true }), reason: 'untrusted' },
  { what: 'a certificate from a CA the client does not trust', cert: () => localhostCert({ issuer: createCa('Unknown CA') }), reason: 'untrusted' },
  { what: 'a certificate for another host than 127.0.0.1', cert: () => issueCert({ dns: ['other.example'] }), reason: 'hostname' },
  { what: 'a certificate valid for 127.0.0.1 but not for tls.servername', cert: () => localhostCert(), servername: 'wrong.example', reason: 'hostname' },
];

describe.each(adapters)('$adapter', ({ transport, server: serverOptions }) => {
  test.each(refusals)('$what → TlsError reason $reason', async ({ cert, servername, reason }) => {
    let requestBytes = 0;
    const server = await tlsEchoServer(cert(), serverOptions, (socket) => socket.on('data', (chunk) => (requestBytes += chunk.length)));
    // The client trusts only the shared test CA.
    await using session = new Session(server.origin, { transport, tls: { ca: testCa().certPem, servername } });
    const error = await rejectionWithin(session.send(), 5000);
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ code: 'ERR_TLS', reason });
    await allClosed(server.sockets);
    expect(requestBytes).toBe(0);
  });

  test('the server closes in the middle of the handshake → TlsError reason handshake', async () => {
    // Reads the ClientHello, then a clean close (FIN) instead of an answer.
    const server = await listen(net.createServer((socket) => socket.once('data', () => socket.end())), { scheme: 'https' });
    await using session = new Session(server.origin, { transport, tls: { ca: testCa().certPem } });
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ code: 'ERR_TLS', reason: 'handshake' });
    await allClosed(server.sockets);
  });
});

test('NodeTls: a server that answers the ClientHello with a plaintext HTTP response → TlsError reason handshake', async () => {
  const answer = 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n';
  const server = await listen(net.createServer((socket) => socket.once('data', () => socket.end(answer))), { scheme: 'https' });
  await using session = new Session(server.origin, { tls: { ca: testCa().certPem } });
  const error = await rejectionWithin(session.send());
  expect(error).toBeInstanceOf(TlsError);
  expect(error).toMatchObject({ code: 'ERR_TLS', reason: 'handshake' });
  await allClosed(server.sockets);
});
