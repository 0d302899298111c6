/**
 * The TLS client state machine driven by hand (no Transport adapter) against a node:tls server over an
 * in-memory pipe: that it checks the server's proof of its key (TLS 1.3 CertificateVerify, TLS 1.2
 * ServerKeyExchange), reports the server's alerts, and names what it negotiated.
 */
import { InMemoryTransport } from '../../../adapters/in-memory';
import { Groups } from '../../../adapters/tls/crypto';
import { TlsProtocolError } from '../../../adapters/tls/errors';
import { TLS12, TLS13 } from '../../../adapters/tls/handshake-messages';
import { TlsClient } from '../../../adapters/tls/tls-client';
import { parseCertificate, type Certificate } from '../../../adapters/tls/x509';
import { TlsError } from '../../../lib/message/errors';
import { generateKeys, issueEcCert, localhostCert, type PemCert } from '../../support/certs';
import { pipeServer } from '../../support/tls-pipe';
import type * as tls from 'node:tls';

const der = (pem: string): Uint8Array => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));

/**
 * Runs a handshake of a TlsClient against a node:tls server presenting `cert`; `leaf` decides which
 * certificate the client takes the server's key from (the real one, unless a test swaps it).
 */
async function handshake(cert: PemCert, options: { server?: tls.SecureContextOptions; requireCert?: boolean; leaf?: (real: Certificate) => Certificate } = {}) {
  const [clientEnd, serverEnd] = InMemoryTransport.pair();
  const requireCert = options.requireCert ?? false;
  pipeServer(serverEnd, cert, { tls: options.server ?? {}, requestCert: requireCert, requireCert });
  const client = new TlsClient({
    serverName: 'localhost',
    peer: 'pipe',
    versions: [TLS13, TLS12],
    groups: [Groups.x25519, Groups.secp256r1, Groups.secp384r1],
    alpn: ['http/1.1'],
    verifyCertificates: async (ders) => (options.leaf ?? ((real) => real))(parseCertificate(ders[0]!)),
    send: (bytes) => void clientEnd.write(bytes).catch(() => {}),
  });
  try {
    await client.start();
    while (!client.isEstablished) {
      const chunk = await clientEnd.read();
      if (!chunk) throw new Error('the server closed');
      await client.receive(chunk);
    }
    return client;
  } finally {
    await client.flush();
    void clientEnd.close();
  }
}

const rsa = localhostCert();
/** The same certificate fields with the key of another RSA certificate. */
const withOtherKey = (): Certificate => ({ ...parseCertificate(der(rsa.certPem)), spki: parseCertificate(der(localhostCert({ keys: generateKeys() }).certPem)).spki });

describe('TlsClient against node:tls over a pipe', () => {
  it.each([
    ['TLS 1.3', {}, 'TLSv1.3'],
    ['TLS 1.2', { maxVersion: 'TLSv1.2' }, 'TLSv1.2'],
  ] as const)('%s: names what was negotiated', async (_name, server, version) => {
    const client = await handshake(rsa, { server });
    expect(client.negotiated).toMatchObject({ version, group: 'x25519' });
  });

  it.each([
    ['TLS 1.3 CertificateVerify', {}],
    ['TLS 1.2 ServerKeyExchange', { maxVersion: 'TLSv1.2' }],
  ] as const)('%s signed by a key other than the certificate’s → TlsError(handshake), decrypt_error', async (_name, server) => {
    // The server signs with its own key; the client is made to believe the certificate holds another one.
    const error = await handshake(rsa, { server, leaf: withOtherKey }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsProtocolError);
    expect(error).toMatchObject({ reason: 'handshake', alert: 51 });
    expect((error as Error).message).toMatch(/did not prove it holds the certificate's key/);
  });

  it('an ECDSA server certificate swapped for an RSA one does not fit the signature scheme → TlsError(handshake)', async () => {
    const ec = issueEcCert({ dns: ['localhost'] });
    const error = await handshake(ec, { leaf: () => parseCertificate(der(rsa.certPem)) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ reason: 'handshake' });
  });

  it('TLS 1.2: a server that requires a client certificate refuses the empty one → its alert, as TlsError(handshake)', async () => {
    const error = await handshake(rsa, { server: { maxVersion: 'TLSv1.2' }, requireCert: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ reason: 'handshake' });
    expect((error as Error).message).toMatch(/sent the alert handshake_failure \(40\)/);
  });
});
