/**
 * X.509 certificates (RFC 5280) read from DER, for any key type (RSA and EC alike; node-forge reads only RSA):
 * the exact TBS bytes and signature for verification, names, validity, the public key (SubjectPublicKeyInfo,
 * as WebCrypto imports it) and the extensions verification looks at.
 */
import { children, DerError, expectTag, oidText, readOnly, readTime, Tag, type DerElement } from './der';

export interface Certificate {
  der: Uint8Array;
  /** The signed part, byte for byte as received. */
  tbs: Uint8Array;
  /** Outer signatureAlgorithm OID (dotted). */
  signatureAlgorithm: string;
  /** The signature bits. */
  signature: Uint8Array;
  /** Issuer and subject Names as DER, compared byte for byte when building a chain. */
  issuer: Uint8Array;
  subject: Uint8Array;
  /** The subject's common name, if any (for messages, and for host names when there is no SAN). */
  commonName: string | undefined;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo DER, its algorithm OID and, for EC keys, the curve OID. */
  spki: Uint8Array;
  keyAlgorithm: string;
  curve: string | undefined;
  /** basicConstraints: cA, and pathLenConstraint when given. */
  isCa: boolean;
  pathLength: number | undefined;
  /** keyUsage bits (bit 0 = digitalSignature ... bit 5 = keyCertSign), undefined without the extension. */
  keyUsage: number | undefined;
  /** extKeyUsage OIDs, undefined without the extension. */
  extKeyUsage: string[] | undefined;
  /** subjectAltName: dNSName and iPAddress entries; `hasSan` even when it lists neither. */
  hasSan: boolean;
  dnsNames: string[];
  ipAddresses: Uint8Array[];
  /** Critical extensions this reader does not know (verification refuses them). */
  unknownCritical: string[];
}

export const Oid = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecPublicKey: '1.2.840.10045.2.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

/** Extensions that may be critical without changing what verification must check here. */
const knownExtensions = new Set<string>([
  Oid.basicConstraints,
  Oid.keyUsage,
  Oid.extKeyUsage,
  Oid.subjectAltName,
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
]);

/** Parses a DER certificate; throws DerError on anything malformed. */
export function parseCertificate(der: Uint8Array): Certificate {
  const certificate = readOnly(der, Tag.sequence, 'Certificate');
  const [tbsElement, algorithm, signatureValue] = children(certificate);
  const tbs = expectTag(tbsElement, Tag.sequence, 'tbsCertificate');
  const signatureAlgorithm = oidText(expectTag(children(expectTag(algorithm, Tag.sequence, 'signatureAlgorithm'))[0], Tag.oid, 'algorithm').value);
  const signature = bitString(expectTag(signatureValue, Tag.bitString, 'signatureValue'));

  const fields = children(tbs);
  let i = 0;
  if (fields[0]?.tag === 0xa0) i++; // [0] version
  expectTag(fields[i++], Tag.integer, 'serialNumber');
  const innerAlgorithm = oidText(expectTag(children(expectTag(fields[i++], Tag.sequence, 'signature'))[0], Tag.oid, 'algorithm').value);
  if (innerAlgorithm !== signatureAlgorithm) throw new DerError('the two signature algorithms differ', tbs.offset);
  const issuer = expectTag(fields[i++], Tag.sequence, 'issuer');
  const validity = children(expectTag(fields[i++], Tag.sequence, 'validity'));
  const subject = expectTag(fields[i++], Tag.sequence, 'subject');
  const spki = expectTag(fields[i++], Tag.sequence, 'subjectPublicKeyInfo');
  const keyAlgorithmParts = children(expectTag(children(spki)[0], Tag.sequence, 'algorithm'));
  const keyAlgorithm = oidText(expectTag(keyAlgorithmParts[0], Tag.oid, 'algorithm').value);
  const curve = keyAlgorithmParts[1]?.tag === Tag.oid ? oidText(keyAlgorithmParts[1].value) : undefined;

  const cert: Certificate = {
    der,
    tbs: tbs.raw,
    signatureAlgorithm,
    signature,
    issuer: issuer.raw,
    subject: subject.raw,
    commonName: commonName(subject),
    notBefore: readTime(present(validity[0], 'notBefore')),
    notAfter: readTime(present(validity[1], 'notAfter')),
    spki: spki.raw,
    keyAlgorithm,
    curve,
    isCa: false,
    pathLength: undefined,
    keyUsage: undefined,
    extKeyUsage: undefined,
    hasSan: false,
    dnsNames: [],
    ipAddresses: [],
    unknownCritical: [],
  };
  for (; i < fields.length; i++) {
    if (fields[i]!.tag === 0xa3) readExtensions(expectTag(children(fields[i]!)[0], Tag.sequence, 'extensions'), cert);
  }
  return cert;
}

function present(element: DerElement | undefined, what: string): DerElement {
  if (!element) throw new DerError(`${what} is missing`, 0);
  return element;
}

function bitString(element: DerElement): Uint8Array {
  if (element.value.length === 0 || element.value[0] !== 0) throw new DerError('bit strings with unused bits are not signatures or keys', element.offset);
  return element.value.subarray(1);
}

const utf8Decoder = new TextDecoder();
const latin1Decoder = new TextDecoder('latin1');

function text(element: DerElement): string {
  return (element.tag === Tag.utf8String ? utf8Decoder : latin1Decoder).decode(element.value);
}

function commonName(name: DerElement): string | undefined {
  for (const rdn of children(name)) {
    for (const attribute of children(rdn)) {
      const [type, value] = children(attribute);
      if (type?.tag === Tag.oid && oidText(type.value) === Oid.commonName && value) return text(value);
    }
  }
  return undefined;
}

function readExtensions(extensions: DerElement, cert: Certificate): void {
  for (const extension of children(extensions)) {
    const parts = children(expectTag(extension, Tag.sequence, 'extension'));
    const id = oidText(expectTag(parts[0], Tag.oid, 'extnID').value);
    const critical = parts[1]?.tag === Tag.boolean ? parts[1].value[0] !== 0 : false;
    const value = expectTag(parts[parts.length - 1], Tag.octetString, 'extnValue').value;
    if (critical && !knownExtensions.has(id)) cert.unknownCritical.push(id);
    if (id === Oid.basicConstraints) {
      const fields = children(readOnly(value, Tag.sequence, 'basicConstraints'));
      let j = 0;
      if (fields[j]?.tag === Tag.boolean) cert.isCa = fields[j++]!.value[0] !== 0;
      if (fields[j]?.tag === Tag.integer) cert.pathLength = fields[j]!.value.reduce((n, b) => n * 256 + b, 0);
    } else if (id === Oid.keyUsage) {
      const bits = readOnly(value, Tag.bitString, 'keyUsage').value;
      // Bit 0 is the most significant bit of the first content byte after the unused-bits count.
      cert.keyUsage = (bits[1] ?? 0) | ((bits[2] ?? 0) << 8);
    } else if (id === Oid.extKeyUsage) {
      cert.extKeyUsage = children(readOnly(value, Tag.sequence, 'extKeyUsage')).map((oid) => oidText(expectTag(oid, Tag.oid, 'keyPurposeId').value));
    } else if (id === Oid.subjectAltName) {
      cert.hasSan = true;
      for (const name of children(readOnly(value, Tag.sequence, 'subjectAltName'))) {
        if (name.tag === 0x82) cert.dnsNames.push(latin1Decoder.decode(name.value));
        else if (name.tag === 0x87) cert.ipAddresses.push(name.value);
      }
    }
  }
}

/** keyUsage bits as `Certificate.keyUsage` holds them (the first byte's MSB is digitalSignature). */
export const KeyUsage = { digitalSignature: 0x80, keyCertSign: 0x04 } as const;
