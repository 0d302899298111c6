/**
 * Verification of the server's certificate chain, as strict as NodeTls: a path from the leaf through the
 * certificates the server sent to one of the trusted CAs (`tls.ca`), every signature checked with WebCrypto,
 * validity windows against the session clock, CA flags, key usage and path lengths, unknown critical
 * extensions refused, and the leaf's names against the host (RFC 6125). Each failure is a TlsError whose
 * reason says which check failed.
 */
import type { TlsFailure } from '../../lib/message/errors';
import { equalBytes } from './bytes';
import { DerError } from './der';
import { Alert, TlsProtocolError } from './errors';
import { describeNames, matchesNames } from './hostname';
import { certificateAlgorithmSupported, verifyCertificateSignature } from './signatures';
import { KeyUsage, Oid, parseCertificate, type Certificate } from './x509';

export interface VerifyOptions {
  /** Trusted CA certificates. */
  anchors: Certificate[];
  /** The name the leaf must be valid for. */
  name: string;
  /** `host:port` for messages. */
  peer: string;
  /** The time validity is checked at. */
  now: Date;
  /** False skips every check (tls.rejectUnauthorized: false): the leaf is only parsed, for its key. */
  verify: boolean;
}

/** Longest chain followed (leaf, intermediates, anchor). */
const MAX_DEPTH = 8;

/** Parses the server's certificates and verifies them; returns the leaf (whose key signs the handshake). */
export async function verifyServerCertificates(ders: Uint8Array[], options: VerifyOptions): Promise<Certificate> {
  if (ders.length === 0) {
    throw new TlsProtocolError('handshake', Alert.certificate_required, `The server ${options.peer} sent no certificate`);
  }
  const certs = ders.map((der, i) => {
    try {
      return parseCertificate(der);
    } catch (error) {
      const detail = error instanceof DerError ? error.message : 'malformed';
      throw failure('untrusted', Alert.bad_certificate, `${who(i, options.peer)} cannot be read: ${detail}`, error);
    }
  });
  const leaf = certs[0]!;
  if (!options.verify) return leaf;

  let current = leaf;
  const used = new Set<Certificate>([leaf]);
  for (let depth = 0; ; depth++) {
    checkCertificate(current, depth, options);
    if (options.anchors.some((anchor) => equalBytes(anchor.der, current.der))) break;
    const anchor = await findIssuer(current, options.anchors, depth, options);
    if (anchor) {
      checkCertificate(anchor, depth + 1, options);
      checkIssuer(anchor, depth + 1, options);
      break;
    }
    const next = await findIssuer(current, certs.filter((c) => !used.has(c)), depth, options);
    if (!next || depth + 1 >= MAX_DEPTH) {
      throw failure(
        'untrusted',
        Alert.unknown_ca,
        `${who(depth, options.peer)}${subject(current)} is not signed by a trusted certificate authority (pass the issuing CA in tls.ca)`,
      );
    }
    checkIssuer(next, depth + 1, options);
    used.add(next);
    current = next;
  }

  checkLeaf(leaf, options);
  if (!matchesNames(leaf, options.name)) {
    throw failure('hostname', Alert.bad_certificate, `The certificate of ${options.peer} is not valid for the name '${options.name}' (it names: ${describeNames(leaf)})`);
  }
  return leaf;
}

/** The candidate whose subject is `cert`'s issuer and whose key verifies `cert`'s signature. */
async function findIssuer(cert: Certificate, candidates: Certificate[], depth: number, options: VerifyOptions): Promise<Certificate | undefined> {
  const named = candidates.filter((c) => equalBytes(c.subject, cert.issuer));
  if (named.length === 0) return undefined;
  if (!certificateAlgorithmSupported(cert)) {
    throw failure('untrusted', Alert.unsupported_certificate, `${who(depth, options.peer)}${subject(cert)} is signed with an unsupported algorithm (${cert.signatureAlgorithm})`);
  }
  for (const candidate of named) if (await verifyCertificateSignature(cert, candidate)) return candidate;
  throw failure('untrusted', Alert.bad_certificate, `${who(depth, options.peer)}${subject(cert)} has a signature that does not verify with its issuer's key`);
}

/** Validity window and critical extensions: for every certificate of the path. */
function checkCertificate(cert: Certificate, depth: number, options: VerifyOptions): void {
  if (options.now < cert.notBefore) {
    throw failure('not-yet-valid', Alert.certificate_expired, `${who(depth, options.peer)}${subject(cert)} is not valid yet: it is valid from ${cert.notBefore.toISOString()}`);
  }
  if (options.now > cert.notAfter) {
    throw failure('expired', Alert.certificate_expired, `${who(depth, options.peer)}${subject(cert)} has expired: it was valid until ${cert.notAfter.toISOString()}`);
  }
  if (cert.unknownCritical.length > 0) {
    throw failure('untrusted', Alert.unsupported_certificate, `${who(depth, options.peer)}${subject(cert)} has a critical extension this client does not support (${cert.unknownCritical.join(', ')})`);
  }
}

/** A certificate that signs another must be a CA allowed to sign certificates, within its path length. */
function checkIssuer(cert: Certificate, depth: number, options: VerifyOptions): void {
  const problem = !cert.isCa
    ? 'is not a CA (basicConstraints)'
    : cert.keyUsage !== undefined && !(cert.keyUsage & KeyUsage.keyCertSign)
      ? 'may not sign certificates (keyUsage)'
      : cert.pathLength !== undefined && depth - 1 > cert.pathLength
        ? `allows ${cert.pathLength} intermediate CAs below it (pathLenConstraint)`
        : null;
  if (problem) throw failure('untrusted', Alert.bad_certificate, `${who(depth, options.peer)}${subject(cert)} ${problem}`);
}

/** The leaf must be usable for a TLS server's signatures. */
function checkLeaf(leaf: Certificate, options: VerifyOptions): void {
  if (leaf.keyUsage !== undefined && !(leaf.keyUsage & KeyUsage.digitalSignature)) {
    throw failure('untrusted', Alert.bad_certificate, `The certificate of ${options.peer} may not sign (keyUsage lacks digitalSignature)`);
  }
  if (leaf.extKeyUsage && !leaf.extKeyUsage.some((purpose) => purpose === Oid.serverAuth || purpose === Oid.anyExtendedKeyUsage)) {
    throw failure('untrusted', Alert.bad_certificate, `The certificate of ${options.peer} is not for TLS servers (extKeyUsage lacks serverAuth)`);
  }
}

function who(depth: number, peer: string): string {
  return depth === 0 ? `The certificate of ${peer}` : `A certificate in the chain of ${peer} (depth ${depth})`;
}

function subject(cert: Certificate): string {
  return ` ("${cert.commonName ?? 'no CN'}")`;
}

function failure(reason: TlsFailure, alert: number, message: string, cause?: unknown): TlsProtocolError {
  return new TlsProtocolError(reason, alert, message, -1, { cause });
}
