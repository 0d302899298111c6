/**
 * What the TLS client and the handshake of each version (Handshake13, Handshake12) share: the client's side
 * of the conversation as the handshake sees it, and what a version's handshake offers the client.
 */
import type { HandshakeMessage } from './handshake-messages';
import type { RecordProtection } from './record-protection';
import type { TlsClientConfig } from './client-config';
import type { Transcript } from './transcript';

export interface Negotiated {
  version: 'TLSv1.3' | 'TLSv1.2';
  cipher: string;
  group: string;
  alpn: string | undefined;
}

/** What a version's handshake gets from the client. */
export interface HandshakeContext {
  readonly config: TlsClientConfig;
  readonly transcript: Transcript;
  readonly clientRandom: Uint8Array;
  sendHandshake(message: Uint8Array): void;
  sendChangeCipherSpec(): void;
  setReadProtection(protection: RecordProtection): void;
  setWriteProtection(protection: RecordProtection): void;
  /** True when no handshake message is half received (keys may change only then). */
  readonly handshakeIdle: boolean;
  established(negotiated: Negotiated): void;
}

/** A version's handshake after the ServerHello. */
export interface VersionHandshake {
  message(m: HandshakeMessage): Promise<void>;
  changeCipherSpec(offset: number): void;
}

