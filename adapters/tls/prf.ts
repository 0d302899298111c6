/**
 * The TLS 1.2 PRF (RFC 5246 §5: P_hash over the platform's HMAC) and what is derived with it: the master
 * secret (with the extended master secret of RFC 7627 when the server agreed to it), the key block of an
 * AES-GCM suite (RFC 5288: keys and 4-byte implicit salts), and Finished verify_data.
 */
import { fromByteString, joinBytes } from '../../lib/message/bytes';
import { importAesGcm, subtle, type CryptoKey, type HashName } from './crypto';

export async function prf(hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Promise<Uint8Array> {
  const key = await subtle().importKey('raw', secret, { name: 'HMAC', hash }, false, ['sign']);
  const sign = async (data: Uint8Array): Promise<Uint8Array> => new Uint8Array(await subtle().sign('HMAC', key, data));
  const labelSeed = joinBytes([fromByteString(label), seed]);
  const out: Uint8Array[] = [];
  let total = 0;
  let a = labelSeed;
  while (total < length) {
    a = await sign(a);
    const block = await sign(joinBytes([a, labelSeed]));
    out.push(block);
    total += block.length;
  }
  return joinBytes(out).subarray(0, length);
}

export interface KeyBlock12 {
  clientKey: CryptoKey;
  serverKey: CryptoKey;
  clientSalt: Uint8Array;
  serverSalt: Uint8Array;
}

/**
 * The master secret: from the transcript hash through ClientKeyExchange (`sessionHash`) when the extended
 * master secret was negotiated, else from the two randoms.
 */
export function masterSecret(hash: HashName, preMaster: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, sessionHash?: Uint8Array): Promise<Uint8Array> {
  return sessionHash
    ? prf(hash, preMaster, 'extended master secret', sessionHash, 48)
    : prf(hash, preMaster, 'master secret', joinBytes([clientRandom, serverRandom]), 48);
}

export async function keyBlock(hash: HashName, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, keyLength: number): Promise<KeyBlock12> {
  const block = await prf(hash, master, 'key expansion', joinBytes([serverRandom, clientRandom]), 2 * keyLength + 8);
  return {
    clientKey: await importAesGcm(block.subarray(0, keyLength)),
    serverKey: await importAesGcm(block.subarray(keyLength, 2 * keyLength)),
    clientSalt: block.slice(2 * keyLength, 2 * keyLength + 4),
    serverSalt: block.slice(2 * keyLength + 4, 2 * keyLength + 8),
  };
}

export function verifyData(hash: HashName, master: Uint8Array, label: 'client finished' | 'server finished', transcriptHash: Uint8Array): Promise<Uint8Array> {
  return prf(hash, master, label, transcriptHash, 12);
}
