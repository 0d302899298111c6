/**
 * The TLS 1.3 key schedule (RFC 8446 §7.1) without PSKs: early secret from zeros, handshake secret from the
 * (EC)DHE shared secret, master secret; traffic secrets from transcript hashes; traffic keys and IVs
 * (§7.3); Finished keys (§4.4.4); the next generation of a traffic secret (KeyUpdate, §7.2).
 */
import { digest, hashLength, hkdfExpandLabel, hkdfExtract, hmac, importAesGcm, type CryptoKey, type HashName } from './crypto';

export interface TrafficKeys {
  key: CryptoKey;
  iv: Uint8Array;
}

export class KeySchedule13 {
  private handshakeSecret: Uint8Array | undefined;
  private masterSecret: Uint8Array | undefined;

  constructor(
    readonly hash: HashName,
    /** AES key length in bytes (16 for AES-128-GCM, 32 for AES-256-GCM). */
    private readonly keyLength: number,
  ) {}

  private async derived(secret: Uint8Array): Promise<Uint8Array> {
    return hkdfExpandLabel(this.hash, secret, 'derived', await digest(this.hash, new Uint8Array(0)), hashLength(this.hash));
  }

  /** From the shared secret: the client and server handshake traffic secrets for the transcript up to ServerHello. */
  async handshake(shared: Uint8Array, helloHash: Uint8Array): Promise<{ client: Uint8Array; server: Uint8Array }> {
    const zeros = new Uint8Array(hashLength(this.hash));
    const early = await hkdfExtract(this.hash, new Uint8Array(0), zeros);
    this.handshakeSecret = await hkdfExtract(this.hash, await this.derived(early), shared);
    const [client, server] = await Promise.all([
      hkdfExpandLabel(this.hash, this.handshakeSecret, 'c hs traffic', helloHash, hashLength(this.hash)),
      hkdfExpandLabel(this.hash, this.handshakeSecret, 's hs traffic', helloHash, hashLength(this.hash)),
    ]);
    return { client, server };
  }

  /** The application traffic secrets, for the transcript up to the server's Finished. */
  async application(finishedHash: Uint8Array): Promise<{ client: Uint8Array; server: Uint8Array }> {
    const zeros = new Uint8Array(hashLength(this.hash));
    this.masterSecret = await hkdfExtract(this.hash, await this.derived(this.handshakeSecret!), zeros);
    const [client, server] = await Promise.all([
      hkdfExpandLabel(this.hash, this.masterSecret, 'c ap traffic', finishedHash, hashLength(this.hash)),
      hkdfExpandLabel(this.hash, this.masterSecret, 's ap traffic', finishedHash, hashLength(this.hash)),
    ]);
    return { client, server };
  }

  async trafficKeys(secret: Uint8Array): Promise<TrafficKeys> {
    const [key, iv] = await Promise.all([
      hkdfExpandLabel(this.hash, secret, 'key', new Uint8Array(0), this.keyLength).then(importAesGcm),
      hkdfExpandLabel(this.hash, secret, 'iv', new Uint8Array(0), 12),
    ]);
    return { key, iv };
  }

  /** verify_data of a Finished message sent under `secret`, over the transcript hash. */
  async finished(secret: Uint8Array, transcriptHash: Uint8Array): Promise<Uint8Array> {
    const key = await hkdfExpandLabel(this.hash, secret, 'finished', new Uint8Array(0), hashLength(this.hash));
    return hmac(this.hash, key, transcriptHash);
  }

  nextGeneration(secret: Uint8Array): Promise<Uint8Array> {
    return hkdfExpandLabel(this.hash, secret, 'traffic upd', new Uint8Array(0), hashLength(this.hash));
  }
}
