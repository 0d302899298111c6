/**
 * The TLS record layer (RFC 8446 §5, RFC 5246 §6.2): cutting the received byte stream into records, and
 * framing records to send. Protection (AEAD) is in record-protection.ts.
 */
import { Alert, TlsProtocolError } from './errors';

export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

/** The largest plaintext fragment (2^14) and the most a protected record may add to it (RFC 8446 §5.2). */
export const MAX_PLAINTEXT = 16384;
const MAX_CIPHERTEXT = MAX_PLAINTEXT + 256;
/** TLS 1.2 allows up to 2048 bytes of expansion (RFC 5246 §6.2.3). */
const MAX_CIPHERTEXT_12 = MAX_PLAINTEXT + 2048;

export interface TlsRecord {
  type: number;
  /** The record body (ciphertext once protection is on). */
  body: Uint8Array;
  /** The 5-byte header, which is the AEAD's additional data in TLS 1.3. */
  header: Uint8Array;
  /** Stream offset of the record's first header byte. */
  offset: number;
}

/**
 * Splits received bytes into records, in any split: `push` bytes, then take `next()` until it gives null.
 * Holds at most one record's bytes beyond what was pushed; refuses what no TLS server sends.
 */
export class RecordReader {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Stream offset of the first buffered byte. */
  private offset = 0;

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.buffered += bytes.length;
  }

  /** Bytes received and not yet returned as part of a record. */
  get pending(): number {
    return this.buffered;
  }

  next(): TlsRecord | null {
    if (this.buffered < 5) return null;
    const header = this.peek(5);
    const type = header[0]!;
    const length = (header[3]! << 8) | header[4]!;
    if (type < ContentType.change_cipher_spec || type > ContentType.application_data) {
      throw new TlsProtocolError('handshake', Alert.unexpected_message, `Received a record of unknown content type ${type}: this is not TLS`, this.offset);
    }
    if (header[1] !== 3 || header[2]! > 4) {
      throw new TlsProtocolError('handshake', Alert.protocol_version, `Received a record of unknown version ${header[1]}.${header[2]}: this is not TLS`, this.offset);
    }
    if (length > MAX_CIPHERTEXT_12 || (type !== ContentType.application_data && length > MAX_CIPHERTEXT)) {
      throw new TlsProtocolError('handshake', Alert.record_overflow, `Received a record of ${length} bytes, over the TLS limit`, this.offset);
    }
    if (length === 0 && type !== ContentType.application_data) {
      throw new TlsProtocolError('handshake', Alert.decode_error, 'Received an empty record', this.offset);
    }
    if (this.buffered < 5 + length) return null;
    const whole = this.peek(5 + length);
    this.consume(5 + length);
    const record = { type, header: whole.subarray(0, 5), body: whole.subarray(5), offset: this.offset };
    this.offset += 5 + length;
    return record;
  }

  /** The first `n` buffered bytes; when they span chunks, only those `n` bytes are copied, into a new first chunk. */
  private peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= n) return first.subarray(0, n);
    const joined = new Uint8Array(n);
    let at = 0;
    let whole = 0;
    while (at < n) {
      const chunk = this.chunks[whole]!;
      const take = Math.min(chunk.length, n - at);
      joined.set(chunk.subarray(0, take), at);
      at += take;
      if (take < chunk.length) {
        this.chunks[whole] = chunk.subarray(take);
        break;
      }
      whole++;
    }
    this.chunks.splice(0, whole, joined);
    return joined;
  }

  private consume(n: number): void {
    const first = this.chunks[0]!;
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
  }
}

/** A record: header (legacy version 3.3, RFC 8446 §5.1) and body. */
export function frameRecord(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = type;
  out[1] = version >> 8;
  out[2] = version & 0xff;
  out[3] = body.length >> 8;
  out[4] = body.length & 0xff;
  out.set(body, 5);
  return out;
}
