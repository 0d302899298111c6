/**
 * A client certificate and its private key, for servers that ask for one (mutual TLS): the chain to send, and
 * signatures by the key with WebCrypto in the TLS signature schemes the server accepts. Keys come as PKCS#8
 * ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") DER; the last two are wrapped into
 * PKCS#8, the form WebCrypto imports. RSA keys sign with RSA-PSS (or PKCS#1 v1.5 in TLS 1.2), EC keys with
 * ECDSA on their curve; ECDSA signatures are DER-encoded as TLS wants them.
 */
import { Writer } from './bytes';
import { subtle, type HashName } from './crypto';
import { children, DerError, expectTag, oidText, readOnly, Tag } from './der';
import { SignatureSchemes } from './signatures';
import { Oid, type Certificate } from './x509';

export interface ClientCredentials {
  /** The certificates to send, the client's own first, as DER. */
  chain: Uint8Array[];
  /** The client certificate, parsed (its key type decides the signature schemes). */
  leaf: Certificate;
  /** The private key as PKCS#8 DER. */
  pkcs8: Uint8Array;
}

/** Key forms a PEM label says; DER input is tried as PKCS#8, then PKCS#1, then SEC1. */
export type KeyForm = 'pkcs8' | 'pkcs1' | 'sec1';

/** The private key as PKCS#8; throws DerError when it is none of the three forms. */
export function pkcs8Of(der: Uint8Array, form?: KeyForm): Uint8Array {
  const forms: KeyForm[] = form ? [form] : ['pkcs8', 'pkcs1', 'sec1'];
  let last: unknown;
  for (const f of forms) {
    try {
      if (f === 'pkcs8') {
        const [version, algorithm] = children(readOnly(der, Tag.sequence, 'PrivateKeyInfo'));
        expectTag(version, Tag.integer, 'version');
        expectTag(algorithm, Tag.sequence, 'privateKeyAlgorithm');
        return der;
      }
      if (f === 'pkcs1') {
        const fields = children(readOnly(der, Tag.sequence, 'RSAPrivateKey'));
        if (fields.length < 9) throw new DerError('not an RSA private key', 0);
        return wrap([Oid.rsaEncryption], der);
      }
      // SEC1 ECPrivateKey: version, privateKey, [0] parameters (the curve), [1] publicKey.
      const fields = children(readOnly(der, Tag.sequence, 'ECPrivateKey'));
      const parameters = fields.find((field) => field.tag === 0xa0);
      if (!parameters) throw new DerError('the EC private key does not name its curve', 0);
      const curve = oidText(expectTag(children(parameters)[0], Tag.oid, 'namedCurve').value);
      return wrap([Oid.ecPublicKey, curve], der);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

/** PrivateKeyInfo { version 0, AlgorithmIdentifier { oid, parameter }, OCTET STRING key }. */
function wrap([algorithm, curve]: string[], key: Uint8Array): Uint8Array {
  const oid = (text: string): Uint8Array => encodeOid(text);
  const tlv = (tag: number, body: Uint8Array): Uint8Array => {
    const w = new Writer().u8(tag);
    if (body.length < 0x80) w.u8(body.length);
    else if (body.length < 0x100) w.u8(0x81).u8(body.length);
    else if (body.length < 0x10000) w.u8(0x82).u16(body.length);
    else w.u8(0x83).u24(body.length);
    return w.bytes(body).finish();
  };
  const join = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
  const parameter = curve ? tlv(Tag.oid, oid(curve)) : Uint8Array.of(Tag.null, 0);
  return tlv(Tag.sequence, join(Uint8Array.of(Tag.integer, 1, 0), tlv(Tag.sequence, join(tlv(Tag.oid, oid(algorithm!)), parameter)), tlv(Tag.octetString, key)));
}

function encodeOid(text: string): Uint8Array {
  const arcs = text.split('.').map(Number);
  const out: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const bytes = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) bytes.unshift((n & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return Uint8Array.from(out);
}

interface Signer {
  scheme: number;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

const curves = new Map<string, { name: string; scheme: number; hash: HashName; size: number }>([
  [Oid.p256, { name: 'P-256', scheme: SignatureSchemes.ecdsa_secp256r1_sha256, hash: 'SHA-256', size: 32 }],
  [Oid.p384, { name: 'P-384', scheme: SignatureSchemes.ecdsa_secp384r1_sha384, hash: 'SHA-384', size: 48 }],
  [Oid.p521, { name: 'P-521', scheme: SignatureSchemes.ecdsa_secp521r1_sha512, hash: 'SHA-512', size: 66 }],
]);

/**
 * A signer for the first scheme the server accepts that fits the key (TLS 1.3 excludes PKCS#1 v1.5), or
 * undefined when none does: then no certificate is sent.
 */
export function signerFor(credentials: ClientCredentials, accepted: number[], tls13: boolean): Signer | undefined {
  const { leaf, pkcs8 } = credentials;
  if (leaf.keyAlgorithm === Oid.ecPublicKey) {
    const curve = leaf.curve ? curves.get(leaf.curve) : undefined;
    if (!curve || !accepted.includes(curve.scheme)) return undefined;
    return {
      scheme: curve.scheme,
      async sign(data) {
        const key = await subtle().importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: curve.name }, false, ['sign']);
        return ecdsaDer(new Uint8Array(await subtle().sign({ name: 'ECDSA', hash: curve.hash }, key, data)), curve.size);
      },
    };
  }
  if (leaf.keyAlgorithm !== Oid.rsaEncryption) return undefined;
  const rsa: Array<[number, 'RSA-PSS' | 'RSASSA-PKCS1-v1_5', HashName]> = [
    [SignatureSchemes.rsa_pss_rsae_sha256, 'RSA-PSS', 'SHA-256'],
    [SignatureSchemes.rsa_pss_rsae_sha384, 'RSA-PSS', 'SHA-384'],
    [SignatureSchemes.rsa_pss_rsae_sha512, 'RSA-PSS', 'SHA-512'],
    ...(tls13
      ? []
      : ([
          [SignatureSchemes.rsa_pkcs1_sha256, 'RSASSA-PKCS1-v1_5', 'SHA-256'],
          [SignatureSchemes.rsa_pkcs1_sha384, 'RSASSA-PKCS1-v1_5', 'SHA-384'],
          [SignatureSchemes.rsa_pkcs1_sha512, 'RSASSA-PKCS1-v1_5', 'SHA-512'],
        ] as Array<[number, 'RSASSA-PKCS1-v1_5', HashName]>)),
  ];
  const choice = rsa.find(([scheme]) => accepted.includes(scheme));
  if (!choice) return undefined;
  const [scheme, name, hash] = choice;
  return {
    scheme,
    async sign(data) {
      const key = await subtle().importKey('pkcs8', pkcs8, { name, hash }, false, ['sign']);
      const saltLength = hash === 'SHA-256' ? 32 : hash === 'SHA-384' ? 48 : 64;
      return new Uint8Array(await subtle().sign(name === 'RSA-PSS' ? { name, saltLength } : name, key, data));
    },
  };
}

/** WebCrypto's r||s as ECDSA-Sig-Value DER (RFC 8446 §4.2.3). */
function ecdsaDer(raw: Uint8Array, size: number): Uint8Array {
  const integer = (bytes: Uint8Array): number[] => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const digits = [...bytes.subarray(start)];
    if (digits[0]! & 0x80) digits.unshift(0);
    return [Tag.integer, digits.length, ...digits];
  };
  const body = [...integer(raw.subarray(0, size)), ...integer(raw.subarray(size))];
  return Uint8Array.from(body.length < 0x80 ? [Tag.sequence, body.length, ...body] : [Tag.sequence, 0x81, body.length, ...body]);
}
