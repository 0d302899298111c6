/**
 * The platform's cryptography (WebCrypto, `globalThis.crypto.subtle`) in the shapes TLS needs: hashes, HMAC,
 * HKDF-Expand-Label, ECDH key shares, AES-GCM keys. No primitive is written here: HKDF-Expand and the TLS 1.2
 * PRF are constructions over the platform's HMAC.
 */
import { fromByteString, joinBytes } from '../../lib/message/bytes';
import type { webcrypto } from 'node:crypto';
import { Writer } from './bytes';

/** WebCrypto's types (named through Node's typings: the code itself uses only globalThis.crypto). */
export type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type SubtleCrypto = webcrypto.SubtleCrypto;
type Crypto = webcrypto.Crypto;

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

export function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!s) throw new Error('ForgeTls needs WebCrypto (globalThis.crypto.subtle), which this runtime does not have');
  return s;
}

export function hashLength(hash: HashName): number {
  return hash === 'SHA-256' ? 32 : hash === 'SHA-384' ? 48 : 64;
}

export async function digest(hash: HashName, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(hash, data));
}

/**
 * The HMAC key for `secret`, imported once per secret: a secret of the key schedule keys several expansions
 * (traffic key, IV, Finished key), and each WebCrypto call is a trip to the platform's worker threads.
 */
const hmacKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
function hmacKey(hash: HashName, secret: Uint8Array): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    // An empty key is a string of zeros to HMAC; WebCrypto refuses empty raw keys.
    key = subtle().importKey('raw', secret.length > 0 ? secret : new Uint8Array(hashLength(hash)), { name: 'HMAC', hash }, false, ['sign']);
    hmacKeys.set(secret, key);
  }
  return key;
}

export async function hmac(hash: HashName, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign('HMAC', await hmacKey(hash, key), data));
}

/** HKDF-Extract (RFC 5869 §2.2): HMAC(salt, ikm); an empty salt is a string of zeros (which HMAC pads to alike). */
export function hkdfExtract(hash: HashName, salt: Uint8Array, ikm: Uint8Array): Promise<Uint8Array> {
  return hmac(hash, salt, ikm);
}

/** HKDF-Expand (RFC 5869 §2.3) over the platform's HMAC. */
export async function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  const key = await hmacKey(hash, prk);
  const blocks: Uint8Array[] = [];
  let previous: Uint8Array = new Uint8Array(0);
  let total = 0;
  for (let i = 1; total < length; i++) {
    previous = new Uint8Array(await subtle().sign('HMAC', key, joinBytes([previous, info, Uint8Array.of(i)])));
    blocks.push(previous);
    total += previous.length;
  }
  return joinBytes(blocks).subarray(0, length);
}

/** HKDF-Expand-Label (RFC 8446 §7.1). */
export function hkdfExpandLabel(hash: HashName, secret: Uint8Array, label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
  const info = new Writer()
    .u16(length)
    .vector(1, (w) => w.bytes(fromByteString(`tls13 ${label}`)))
    .vector(1, (w) => w.bytes(context))
    .finish();
  return hkdfExpand(hash, secret, info, length);
}

/** TLS named groups (RFC 8446 §4.2.7) this client can use, with their WebCrypto names. */
export const Groups = {
  x25519: 0x001d,
  secp256r1: 0x0017,
  secp384r1: 0x0018,
} as const;

const groupAlgorithms = new Map<number, webcrypto.EcKeyGenParams | webcrypto.Algorithm>([
  [Groups.x25519, { name: 'X25519' }],
  [Groups.secp256r1, { name: 'ECDH', namedCurve: 'P-256' } as webcrypto.EcKeyGenParams],
  [Groups.secp384r1, { name: 'ECDH', namedCurve: 'P-384' } as webcrypto.EcKeyGenParams],
]);

export function groupName(group: number): string {
  return Object.entries(Groups).find(([, code]) => code === group)?.[0] ?? `0x${group.toString(16).padStart(4, '0')}`;
}

/** An ephemeral ECDH key of a TLS group: its public value as sent on the wire, and how to agree with a peer's. */
export interface KeyShare {
  group: number;
  publicKey: Uint8Array;
  agree(peerPublic: Uint8Array): Promise<Uint8Array>;
}

/** Whether the runtime's WebCrypto has X25519 (Node 20 does; some runtimes do not). */
let x25519: Promise<boolean> | undefined;
export function hasX25519(): Promise<boolean> {
  const probe =
    x25519 ??
    subtle()
      .generateKey({ name: 'X25519' }, false, ['deriveBits'])
      .then(
        () => true,
        () => false,
      );
  x25519 = probe;
  return probe;
}

export async function generateKeyShare(group: number): Promise<KeyShare> {
  const algorithm = groupAlgorithms.get(group);
  if (!algorithm) throw new Error(`unsupported group ${groupName(group)}`);
  const pair = (await subtle().generateKey(algorithm, true, ['deriveBits'])) as CryptoKeyPair;
  return keyShareOf(group, pair);
}

/** A key share from a given key pair (for deterministic test vectors). */
export async function keyShareOf(group: number, pair: CryptoKeyPair): Promise<KeyShare> {
  const algorithm = groupAlgorithms.get(group)!;
  const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  const bits = group === Groups.x25519 ? 256 : group === Groups.secp256r1 ? 256 : 384;
  return {
    group,
    publicKey,
    async agree(peerPublic: Uint8Array): Promise<Uint8Array> {
      const peer = await subtle().importKey('raw', peerPublic, algorithm, false, []);
      return new Uint8Array(await subtle().deriveBits({ name: algorithm.name, public: peer } as webcrypto.EcdhKeyDeriveParams, pair.privateKey, bits));
    },
  };
}

export function importAesGcm(key: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey('raw', key, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export function randomBytes(n: number): Uint8Array {
  return (globalThis as { crypto: Crypto }).crypto.getRandomValues(new Uint8Array(n));
}
