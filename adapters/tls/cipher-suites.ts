/**
 * The cipher suites this client offers: AES-GCM only, since that is the AEAD WebCrypto has (ChaCha20-Poly1305
 * is not in WebCrypto, so it is not offered). TLS 1.3 suites (RFC 8446 §B.4) and TLS 1.2 ECDHE suites
 * (RFC 5289), most preferred first.
 */
import type { HashName } from './crypto';

export interface CipherSuite {
  code: number;
  name: string;
  version: 'TLSv1.3' | 'TLSv1.2';
  hash: HashName;
  keyLength: number;
  /** TLS 1.2: the certificate key type the suite's authentication needs. */
  auth?: 'ecdsa' | 'rsa';
}

export const cipherSuites: CipherSuite[] = [
  { code: 0x1301, name: 'TLS_AES_128_GCM_SHA256', version: 'TLSv1.3', hash: 'SHA-256', keyLength: 16 },
  { code: 0x1302, name: 'TLS_AES_256_GCM_SHA384', version: 'TLSv1.3', hash: 'SHA-384', keyLength: 32 },
  { code: 0xc02b, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', version: 'TLSv1.2', hash: 'SHA-256', keyLength: 16, auth: 'ecdsa' },
  { code: 0xc02f, name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', version: 'TLSv1.2', hash: 'SHA-256', keyLength: 16, auth: 'rsa' },
  { code: 0xc02c, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', version: 'TLSv1.2', hash: 'SHA-384', keyLength: 32, auth: 'ecdsa' },
  { code: 0xc030, name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', version: 'TLSv1.2', hash: 'SHA-384', keyLength: 32, auth: 'rsa' },
];

export function findSuite(code: number): CipherSuite | undefined {
  return cipherSuites.find((suite) => suite.code === code);
}
