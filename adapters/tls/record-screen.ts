/**
 * A check of the server's records ahead of node-forge (the legacy TLS 1.0/1.1 engine). node-forge waits for
 * more bytes whenever a handshake message claims to be longer than what has arrived, whatever its type, so a
 * server that sends well-formed records with junk inside stalls the handshake until a timeout (forever without
 * one). This screen follows the record and handshake-message framing itself and refuses at once what no TLS
 * 1.0-1.2 server sends: unknown content types and versions, empty or oversized records, handshake messages of
 * an unknown type or of an absurd length, and a first handshake message other than ServerHello.
 */

/** Handshake message types a TLS 1.0-1.2 server sends to a client. */
const SERVER_HANDSHAKE_TYPES = new Set([0, 2, 4, 11, 12, 13, 14, 20, 22]);
const HANDSHAKE = 22;
/** 2^14 plaintext plus the most expansion TLS 1.0-1.2 allow (RFC 5246 §6.2.3). */
const MAX_RECORD = 16384 + 2048;
/** A certificate chain may span records; no server message is anywhere near this. */
const MAX_HANDSHAKE_MESSAGE = 1 << 18;

export class RecordScreen {
  private header = new Uint8Array(5);
  private headerFill = 0;
  /** Body bytes of the current record still to come; 0 while reading a header. */
  private bodyLeft = 0;
  private bodyType = 0;
  /** Plaintext handshake framing (only until the server's ChangeCipherSpec; after it the records are encrypted). */
  private encrypted = false;
  private messageHeader = new Uint8Array(4);
  private messageHeaderFill = 0;
  private messageLeft = 0;
  private messages = 0;
  private offset = 0;

  /** Follows `bytes` (as they arrive, in any split); returns a description of the first violation, or null. */
  check(bytes: Uint8Array): string | null {
    for (let i = 0; i < bytes.length; ) {
      if (this.bodyLeft === 0) {
        this.header[this.headerFill++] = bytes[i++]!;
        this.offset++;
        if (this.headerFill < 5) continue;
        this.headerFill = 0;
        const problem = this.startRecord();
        if (problem) return `${problem} (at byte ${this.offset - 5})`;
        continue;
      }
      const n = Math.min(this.bodyLeft, bytes.length - i);
      if (this.bodyType === HANDSHAKE && !this.encrypted) {
        const problem = this.followHandshake(bytes.subarray(i, i + n));
        if (problem) return `${problem} (at byte ${this.offset})`;
      }
      if (this.bodyType === 20) this.encrypted = true;
      this.bodyLeft -= n;
      this.offset += n;
      i += n;
    }
    return null;
  }

  private startRecord(): string | null {
    const [type, major, minor] = this.header;
    const length = (this.header[3]! << 8) | this.header[4]!;
    if (type! < 20 || type! > 23) return `a record of unknown content type ${type}`;
    if (major !== 3 || minor! > 3) return `a record of unknown version ${major}.${minor}`;
    if (length > MAX_RECORD) return `a record of ${length} bytes, over the TLS limit`;
    if (length === 0 && type !== 23) return 'an empty record';
    this.bodyType = type!;
    this.bodyLeft = length;
    return null;
  }

  private followHandshake(body: Uint8Array): string | null {
    for (let i = 0; i < body.length; ) {
      if (this.messageLeft === 0) {
        this.messageHeader[this.messageHeaderFill++] = body[i++]!;
        if (this.messageHeaderFill < 4) continue;
        this.messageHeaderFill = 0;
        const [type, a, b, c] = this.messageHeader;
        const length = (a! << 16) | (b! << 8) | c!;
        if (!SERVER_HANDSHAKE_TYPES.has(type!)) return `a handshake message of unknown type ${type}`;
        if (this.messages === 0 && type !== 2 && type !== 0) return `a handshake message of type ${type} before the ServerHello`;
        if (length > MAX_HANDSHAKE_MESSAGE) return `a handshake message of ${length} bytes`;
        this.messages++;
        this.messageLeft = length;
        continue;
      }
      const n = Math.min(this.messageLeft, body.length - i);
      this.messageLeft -= n;
      i += n;
    }
    return null;
  }
}
