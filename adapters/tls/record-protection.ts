/**
 * AEAD record protection with AES-GCM from WebCrypto: TLS 1.3 (RFC 8446 §5.2-5.3: per-record nonce from the
 * IV and the sequence number, inner content type, the header as additional data) and TLS 1.2 (RFC 5288: a
 * 4-byte implicit salt and an 8-byte explicit nonce in the record, sequence number and header as additional
 * data). A record that does not decrypt is bad_record_mac.
 */
import { Alert, TlsProtocolError } from './errors';
import { subtle, type CryptoKey } from './crypto';
import { ContentType, frameRecord, type TlsRecord } from './record-layer';

export interface Plaintext {
  type: number;
  content: Uint8Array;
}

/** One direction's protection: seals records to send, or opens received ones, counting sequence numbers. */
export interface RecordProtection {
  seal(type: number, content: Uint8Array): Promise<Uint8Array>;
  open(record: TlsRecord): Promise<Plaintext>;
}

function nonce13(iv: Uint8Array, seq: bigint): Uint8Array {
  const nonce = iv.slice();
  for (let i = 0; i < 8; i++) nonce[nonce.length - 1 - i]! ^= Number((seq >> BigInt(8 * i)) & 0xffn);
  return nonce;
}

function seqBytes(seq: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, seq);
  return out;
}

function badMac(record: TlsRecord, cause?: unknown): TlsProtocolError {
  return new TlsProtocolError('protocol', Alert.bad_record_mac, 'A received TLS record does not decrypt: it was corrupted or forged (bad_record_mac)', record.offset, { cause });
}

/** TLS 1.3 protection with one traffic key. */
export class Protection13 implements RecordProtection {
  private seq = 0n;

  constructor(
    private readonly key: CryptoKey,
    private readonly iv: Uint8Array,
  ) {}

  seal(type: number, content: Uint8Array): Promise<Uint8Array> {
    const inner = new Uint8Array(content.length + 1);
    inner.set(content);
    inner[content.length] = type;
    const length = inner.length + 16;
    const header = Uint8Array.of(ContentType.application_data, 3, 3, length >> 8, length & 0xff);
    const iv = nonce13(this.iv, this.seq++);
    return subtle()
      .encrypt({ name: 'AES-GCM', iv, additionalData: header }, this.key, inner)
      .then((sealed: ArrayBuffer) => frameRecord(ContentType.application_data, new Uint8Array(sealed)));
  }

  async open(record: TlsRecord): Promise<Plaintext> {
    if (record.type !== ContentType.application_data) {
      throw new TlsProtocolError('protocol', Alert.unexpected_message, `Received an unprotected record of type ${record.type} after encryption started`, record.offset);
    }
    if (record.body.length < 17) throw badMac(record);
    const iv = nonce13(this.iv, this.seq++);
    let inner: Uint8Array;
    try {
      inner = new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: record.header }, this.key, record.body));
    } catch (error) {
      throw badMac(record, error);
    }
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) throw new TlsProtocolError('protocol', Alert.unexpected_message, 'Received a protected record with no content type', record.offset);
    return { type: inner[end]!, content: inner.subarray(0, end) };
  }
}

/** TLS 1.2 AES-GCM protection (RFC 5288) with one write key and its 4-byte salt. */
export class Protection12 implements RecordProtection {
  private seq = 0n;

  constructor(
    private readonly key: CryptoKey,
    private readonly salt: Uint8Array,
  ) {}

  seal(type: number, content: Uint8Array): Promise<Uint8Array> {
    const seq = this.seq++;
    const explicit = seqBytes(seq);
    const iv = new Uint8Array(12);
    iv.set(this.salt);
    iv.set(explicit, 4);
    const aad = additionalData(seq, type, content.length);
    return subtle()
      .encrypt({ name: 'AES-GCM', iv, additionalData: aad }, this.key, content)
      .then((sealed: ArrayBuffer) => {
        const body = new Uint8Array(8 + sealed.byteLength);
        body.set(explicit);
        body.set(new Uint8Array(sealed), 8);
        return frameRecord(type, body);
      });
  }

  async open(record: TlsRecord): Promise<Plaintext> {
    if (record.body.length < 8 + 16) throw badMac(record);
    const seq = this.seq++;
    const iv = new Uint8Array(12);
    iv.set(this.salt);
    iv.set(record.body.subarray(0, 8), 4);
    const aad = additionalData(seq, record.type, record.body.length - 24);
    try {
      const plain = await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: aad }, this.key, record.body.subarray(8));
      return { type: record.type, content: new Uint8Array(plain) };
    } catch (error) {
      throw badMac(record, error);
    }
  }
}

function additionalData(seq: bigint, type: number, length: number): Uint8Array {
  const aad = new Uint8Array(13);
  aad.set(seqBytes(seq));
  aad[8] = type;
  aad[9] = 3;
  aad[10] = 3;
  aad[11] = length >> 8;
  aad[12] = length & 0xff;
  return aad;
}

/**
 * No protection yet: records pass as they are. The first record (the ClientHello) says version 3.1 in its
 * header, as RFC 8446 §5.1 recommends for servers that look at it; later ones 3.3.
 */
export function plaintextProtection(): RecordProtection {
  let first = true;
  return {
    seal: (type, content) => {
      const version = first ? 0x0301 : 0x0303;
      first = false;
      return Promise.resolve(frameRecord(type, content, version));
    },
    open: (record) => Promise.resolve({ type: record.type, content: record.body }),
  };
}
