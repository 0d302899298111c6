/** What a TLS client session is given: what to offer, how to verify the server, where its records go. */
import type { ClientCredentials } from './client-credentials';
import type { KeyShare } from './crypto';
import type { ClientHelloParams } from './handshake-messages';
import type { Certificate } from './x509';

export interface TlsClientConfig {
  /** The SNI; undefined for IP hosts. */
  serverName: string | undefined;
  /** `host:port`, for messages. */
  peer: string;
  /** Versions offered, preferred first: [TLS13, TLS12] or [TLS13]. */
  versions: number[];
  /** Groups offered, preferred first; a key share is sent for the first. */
  groups: number[];
  alpn: string[];
  /** Verifies the server's certificates (leaf first) and returns the leaf; throws a TlsError to refuse. */
  verifyCertificates(ders: Uint8Array[]): Promise<Certificate>;
  /** A client certificate and key, sent when the server asks for one (else an empty Certificate is sent). */
  credentials?: ClientCredentials;
  /** Receives every record to send, in order. */
  send(bytes: Uint8Array): void;
  /** Injected for deterministic tests (recorded traces such as RFC 8448); random otherwise. */
  random?: Uint8Array;
  sessionId?: Uint8Array;
  keyShare?: (group: number) => Promise<KeyShare>;
  /** Encodes the ClientHello (default `encodeClientHello`); a trace replay returns the recorded message. */
  encodeHello?: (params: ClientHelloParams) => Uint8Array;
}
