/**
 * Our X.509 reader against node:crypto's X509Certificate (OpenSSL) on the same certificates, RSA and EC; and
 * malformed DER (every truncation, random bytes, mutations): always a DerError, never another exception.
 */
import { X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { DerError } from '../../../adapters/tls/der';
import { KeyUsage, Oid, parseCertificate } from '../../../adapters/tls/x509';
import { createCa, createEcCa, issueCert, issueEcCert } from '../../support/certs';

const der = (pem: string): Uint8Array => new Uint8Array(new X509Certificate(pem).raw);

describe('parseCertificate', () => {
  it.each([
    ['an RSA leaf', () => issueCert({ dns: ['a.example', '*.b.example'], ips: ['127.0.0.1', '::1'] }).certPem],
    ['an EC leaf under an EC CA', () => issueEcCert({ dns: ['ec.example'], ips: ['10.0.0.1'], issuer: createEcCa() }).certPem],
  ])('%s: the fields OpenSSL sees', (_name, make) => {
    const pem = make();
    const openssl = new X509Certificate(pem);
    const cert = parseCertificate(der(pem));
    expect(cert.notBefore.getTime()).toBe(new Date(openssl.validFrom).getTime());
    expect(cert.notAfter.getTime()).toBe(new Date(openssl.validTo).getTime());
    expect(cert.isCa).toBe(openssl.ca);
    const san = openssl.subjectAltName!.split(', ');
    expect(cert.dnsNames).toEqual(san.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)));
    expect(cert.ipAddresses.length).toBe(san.filter((n) => n.startsWith('IP Address:')).length);
    expect(cert.hasSan).toBe(true);
    expect(Buffer.from(cert.spki).equals(openssl.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(cert.keyAlgorithm).toBe(openssl.publicKey.asymmetricKeyType === 'ec' ? Oid.ecPublicKey : Oid.rsaEncryption);
    expect(cert.keyUsage! & KeyUsage.digitalSignature).toBeTruthy();
    expect(cert.extKeyUsage).toContain(Oid.serverAuth);
    expect(cert.unknownCritical).toEqual([]);
  });

  it('a CA: cA, keyCertSign, its subject is its issuer', () => {
    const ca = parseCertificate(der(createCa('Spec CA').certPem));
    expect(ca.isCa).toBe(true);
    expect(ca.keyUsage! & KeyUsage.keyCertSign).toBeTruthy();
    expect(Buffer.from(ca.subject).equals(Buffer.from(ca.issuer))).toBe(true);
    expect(ca.commonName).toBe('Spec CA');
  });

  it('every truncation of a certificate is a DerError', () => {
    const bytes = der(issueEcCert({ dns: ['t.example'] }).certPem);
    for (let n = 0; n < bytes.length; n++) expect(() => parseCertificate(bytes.subarray(0, n))).toThrow(DerError);
  });

  it('random bytes and mutated certificates end in a certificate or a DerError', () => {
    const bytes = der(issueCert({ dns: ['m.example'] }).certPem);
    const parses = (input: Uint8Array): void => {
      try {
        parseCertificate(input);
      } catch (error) {
        if (!(error instanceof DerError)) throw error;
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (random) => parses(random)), { numRuns: 500 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (changes) => {
        const mutated = bytes.slice();
        for (const [at, value] of changes) mutated[at] = value;
        parses(mutated);
      }),
      { numRuns: 1000 },
    );
  });
});
