/**
 * Signature verification with WebCrypto, for TLS signature schemes (RFC 8446 §4.2.3: CertificateVerify,
 * ServerKeyExchange) and for certificate signature algorithms (RFC 5280, RFC 5758). The public key is the
 * signer's SubjectPublicKeyInfo DER, which WebCrypto imports as is. ECDSA signatures arrive DER-encoded
 * (r, s) and are turned into the fixed-size r||s WebCrypto takes.
 */
import { children, DerError, expectTag, readOnly, Tag, unsignedInteger } from './der';
import type { HashName } from './crypto';
import { subtle } from './crypto';
import { Oid, type Certificate } from './x509';

/** Signature schemes offered in signature_algorithms, most preferred first. */
export const SignatureSchemes = {
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
} as const;

interface Method {
  kind: 'ecdsa' | 'rsa-pss' | 'rsa-pkcs1';
  hash: HashName;
  /** For ECDSA in TLS 1.3 the scheme fixes the curve; in 1.2 and in certificates the key does. */
  curve?: string;
}

const schemes = new Map<number, Method>([
  [SignatureSchemes.ecdsa_secp256r1_sha256, { kind: 'ecdsa', hash: 'SHA-256', curve: Oid.p256 }],
  [SignatureSchemes.ecdsa_secp384r1_sha384, { kind: 'ecdsa', hash: 'SHA-384', curve: Oid.p384 }],
  [SignatureSchemes.ecdsa_secp521r1_sha512, { kind: 'ecdsa', hash: 'SHA-512', curve: Oid.p521 }],
  [SignatureSchemes.rsa_pss_rsae_sha256, { kind: 'rsa-pss', hash: 'SHA-256' }],
  [SignatureSchemes.rsa_pss_rsae_sha384, { kind: 'rsa-pss', hash: 'SHA-384' }],
  [SignatureSchemes.rsa_pss_rsae_sha512, { kind: 'rsa-pss', hash: 'SHA-512' }],
  [SignatureSchemes.rsa_pkcs1_sha256, { kind: 'rsa-pkcs1', hash: 'SHA-256' }],
  [SignatureSchemes.rsa_pkcs1_sha384, { kind: 'rsa-pkcs1', hash: 'SHA-384' }],
  [SignatureSchemes.rsa_pkcs1_sha512, { kind: 'rsa-pkcs1', hash: 'SHA-512' }],
]);

const certificateAlgorithms = new Map<string, Method>([
  [Oid.sha256WithRsa, { kind: 'rsa-pkcs1', hash: 'SHA-256' }],
  [Oid.sha384WithRsa, { kind: 'rsa-pkcs1', hash: 'SHA-384' }],
  [Oid.sha512WithRsa, { kind: 'rsa-pkcs1', hash: 'SHA-512' }],
  [Oid.ecdsaWithSha256, { kind: 'ecdsa', hash: 'SHA-256' }],
  [Oid.ecdsaWithSha384, { kind: 'ecdsa', hash: 'SHA-384' }],
  [Oid.ecdsaWithSha512, { kind: 'ecdsa', hash: 'SHA-512' }],
]);

const curveNames = new Map<string, { name: string; size: number }>([
  [Oid.p256, { name: 'P-256', size: 32 }],
  [Oid.p384, { name: 'P-384', size: 48 }],
  [Oid.p521, { name: 'P-521', size: 66 }],
]);

/** Why a signature cannot even be checked (unknown scheme, key of the wrong type); null when it can. */
export function schemeMismatch(scheme: number, key: Certificate, tls13: boolean): string | null {
  const method = schemes.get(scheme);
  if (!method) return `unsupported signature scheme 0x${scheme.toString(16).padStart(4, '0')}`;
  if (tls13 && method.kind === 'rsa-pkcs1') return 'RSA PKCS#1 v1.5 signatures are not allowed in TLS 1.3 handshakes';
  const wantsEc = method.kind === 'ecdsa';
  if (wantsEc !== (key.keyAlgorithm === Oid.ecPublicKey)) return `signature scheme 0x${scheme.toString(16)} does not fit the certificate's key`;
  if (wantsEc && tls13 && method.curve !== key.curve) return `signature scheme 0x${scheme.toString(16)} does not fit the certificate's curve`;
  return null;
}

/** Verifies a handshake signature (TLS signature scheme) by `signer`'s key. */
export function verifyScheme(scheme: number, signer: Certificate, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  const method = schemes.get(scheme);
  if (!method) return Promise.resolve(false);
  return verify(method, signer, signature, data);
}

/** Verifies `subject`'s certificate signature by `issuer`'s key; false for algorithms not supported (SHA-1, PSS, ...). */
export function verifyCertificateSignature(subject: Certificate, issuer: Certificate): Promise<boolean> {
  const method = certificateAlgorithms.get(subject.signatureAlgorithm);
  if (!method) return Promise.resolve(false);
  return verify(method, issuer, subject.signature, subject.tbs);
}

export function certificateAlgorithmSupported(cert: Certificate): boolean {
  return certificateAlgorithms.has(cert.signatureAlgorithm);
}

async function verify(method: Method, signer: Certificate, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  try {
    if (method.kind === 'ecdsa') {
      const curve = signer.keyAlgorithm === Oid.ecPublicKey && signer.curve ? curveNames.get(signer.curve) : undefined;
      if (!curve) return false;
      const key = await subtle().importKey('spki', signer.spki, { name: 'ECDSA', namedCurve: curve.name }, false, ['verify']);
      return await subtle().verify({ name: 'ECDSA', hash: method.hash }, key, ecdsaRaw(signature, curve.size), data);
    }
    if (signer.keyAlgorithm !== Oid.rsaEncryption) return false;
    if (method.kind === 'rsa-pss') {
      const key = await subtle().importKey('spki', signer.spki, { name: 'RSA-PSS', hash: method.hash }, false, ['verify']);
      const saltLength = method.hash === 'SHA-256' ? 32 : method.hash === 'SHA-384' ? 48 : 64;
      return await subtle().verify({ name: 'RSA-PSS', saltLength }, key, signature, data);
    }
    const key = await subtle().importKey('spki', signer.spki, { name: 'RSASSA-PKCS1-v1_5', hash: method.hash }, false, ['verify']);
    return await subtle().verify('RSASSA-PKCS1-v1_5', key, signature, data);
  } catch {
    // A key WebCrypto will not import, or a signature that is not DER: not a valid signature.
    return false;
  }
}

/** ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }) as r||s, each `size` bytes. */
function ecdsaRaw(signature: Uint8Array, size: number): Uint8Array {
  const [r, s, extra] = children(readOnly(signature, Tag.sequence, 'ECDSA signature'));
  if (extra) throw new DerError('ECDSA signature has extra fields', 0);
  const out = new Uint8Array(2 * size);
  out.set(unsignedInteger(expectTag(r, Tag.integer, 'r').value, size, 0), 0);
  out.set(unsignedInteger(expectTag(s, Tag.integer, 's').value, size, 0), size);
  return out;
}
