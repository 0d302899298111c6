/** The transcript of handshake messages (RFC 8446 §4.4.1), for the hashes the key schedule and Finished use. */
import { joinBytes } from '../../lib/message/bytes';
import { digest, hashLength, type HashName } from './crypto';
import { HandshakeType } from './handshake-messages';

/** The handshake messages so far, for transcript hashes. */
export class Transcript {
  private messages: Uint8Array[] = [];

  add(message: Uint8Array): void {
    this.messages.push(message);
  }

  /** The messages joined (what a TLS 1.2 CertificateVerify signs). */
  bytes(): Uint8Array {
    return joinBytes(this.messages);
  }

  hash(hash: HashName): Promise<Uint8Array> {
    return digest(hash, joinBytes(this.messages));
  }

  /** Replaces ClientHello1 by its message_hash, for a HelloRetryRequest (RFC 8446 §4.4.1). */
  async restartWithHash(hash: HashName): Promise<void> {
    const h = await this.hash(hash);
    this.messages = [Uint8Array.of(HandshakeType.message_hash, 0, 0, hashLength(hash)), h];
  }
}

