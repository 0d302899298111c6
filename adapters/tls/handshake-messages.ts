/**
 * Handshake messages (RFC 8446 §4, RFC 5246 §7.4, RFC 8422 §5): reassembly from records, the ClientHello the
 * client sends, and decoding of what servers send. Decoding is strict: lengths must add up, and every error
 * says at which byte of the received stream it was seen.
 */
import { fromByteString } from '../../lib/message/bytes';
import { Reader, Writer } from './bytes';
import { Alert, decodeError, TlsProtocolError } from './errors';

export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  key_update: 24,
  message_hash: 254,
} as const;

export const ExtensionType = {
  server_name: 0,
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  alpn: 16,
  extended_master_secret: 23,
  supported_versions: 43,
  cookie: 44,
  key_share: 51,
  renegotiation_info: 0xff01,
} as const;

export const TLS12 = 0x0303;
export const TLS13 = 0x0304;

/** A whole handshake message: its type, its body, the bytes as they go into the transcript, where it began. */
export interface HandshakeMessage {
  type: number;
  body: Reader;
  raw: Uint8Array;
  offset: number;
}

/** The most a server message may take (a long certificate chain spans several records). */
const MAX_MESSAGE = 1 << 18;

/**
 * Joins handshake records into messages. `push` a record's content (with the stream offset of that content),
 * then take `next()` until null. A message may span records; `empty` tells whether one is half received
 * (TLS 1.3 forbids that across a key change, RFC 8446 §5.1).
 */
export class HandshakeReader {
  private buffer: Uint8Array = new Uint8Array(0);
  private offset = 0;

  push(content: Uint8Array, offset: number): void {
    if (this.buffer.length === 0) {
      this.buffer = content;
      this.offset = offset;
      return;
    }
    const joined = new Uint8Array(this.buffer.length + content.length);
    joined.set(this.buffer);
    joined.set(content, this.buffer.length);
    this.buffer = joined;
  }

  get empty(): boolean {
    return this.buffer.length === 0;
  }

  next(): HandshakeMessage | null {
    if (this.buffer.length < 4) return null;
    const length = (this.buffer[1]! << 16) | (this.buffer[2]! << 8) | this.buffer[3]!;
    if (length > MAX_MESSAGE) throw decodeError(`a handshake message of ${length} bytes`, this.offset);
    if (this.buffer.length < 4 + length) return null;
    const raw = this.buffer.subarray(0, 4 + length);
    const message = { type: raw[0]!, body: new Reader(raw.subarray(4), this.offset + 4, handshakeName(raw[0]!)), raw, offset: this.offset };
    this.buffer = this.buffer.subarray(4 + length);
    this.offset += 4 + length;
    return message;
  }
}

export function handshakeName(type: number): string {
  const name = Object.entries(HandshakeType).find(([, code]) => code === type)?.[0];
  return name ?? `handshake message type ${type}`;
}

/** A handshake message: type, 24-bit length, body. */
export function encodeHandshake(type: number, body: Uint8Array): Uint8Array {
  return new Writer().u8(type).vector(3, (w) => w.bytes(body)).finish();
}

export interface ClientHelloParams {
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  /** For server_name; undefined for IP hosts (TLS forbids IP literals in SNI). */
  serverName: string | undefined;
  groups: number[];
  signatureSchemes: number[];
  alpn: string[];
  versions: number[];
  keyShares: Array<{ group: number; publicKey: Uint8Array }>;
  cookie?: Uint8Array;
}

export function encodeClientHello(p: ClientHelloParams): Uint8Array {
  const offers12 = p.versions.includes(TLS12);
  const offers13 = p.versions.includes(TLS13);
  const body = new Writer()
    .u16(TLS12)
    .bytes(p.random)
    .vector(1, (w) => w.bytes(p.sessionId))
    .vector(2, (w) => p.cipherSuites.forEach((suite) => w.u16(suite)))
    .vector(1, (w) => w.u8(0))
    .vector(2, (w) => {
      const extension = (type: number, data: (x: Writer) => void): void => {
        w.u16(type).vector(2, data);
      };
      const name = p.serverName;
      if (name !== undefined) {
        extension(ExtensionType.server_name, (x) => x.vector(2, (list) => list.u8(0).vector(2, (n) => n.bytes(fromByteString(name)))));
      }
      extension(ExtensionType.supported_groups, (x) => x.vector(2, (list) => p.groups.forEach((g) => list.u16(g))));
      if (offers12) {
        extension(ExtensionType.ec_point_formats, (x) => x.vector(1, (list) => list.u8(0)));
        extension(ExtensionType.extended_master_secret, () => {});
        extension(ExtensionType.renegotiation_info, (x) => x.vector(1, () => {}));
      }
      extension(ExtensionType.signature_algorithms, (x) => x.vector(2, (list) => p.signatureSchemes.forEach((s) => list.u16(s))));
      if (p.alpn.length > 0) {
        extension(ExtensionType.alpn, (x) => x.vector(2, (list) => p.alpn.forEach((proto) => list.vector(1, (n) => n.bytes(fromByteString(proto))))));
      }
      if (offers13) {
        extension(ExtensionType.supported_versions, (x) => x.vector(1, (list) => p.versions.forEach((v) => list.u16(v))));
        if (p.cookie) extension(ExtensionType.cookie, (x) => x.vector(2, (c) => c.bytes(p.cookie!)));
        extension(ExtensionType.key_share, (x) =>
          x.vector(2, (list) => p.keyShares.forEach((share) => list.u16(share.group).vector(2, (k) => k.bytes(share.publicKey)))),
        );
      }
    })
    .finish();
  return encodeHandshake(HandshakeType.client_hello, body);
}

export interface Extension {
  type: number;
  data: Reader;
}

/** An extension list; a type seen twice is illegal (RFC 8446 §4.2). */
export function readExtensions(r: Reader): Extension[] {
  const list = r.vector(2, 'extensions');
  const out: Extension[] = [];
  const seen = new Set<number>();
  while (list.remaining > 0) {
    const offset = list.offset;
    const type = list.u16();
    if (seen.has(type)) throw new TlsProtocolError('handshake', Alert.illegal_parameter, `The server sent extension ${type} twice`, offset);
    seen.add(type);
    out.push({ type, data: list.vector(2, `extension ${type}`) });
  }
  return out;
}

export interface ServerHello {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  extensions: Extension[];
  /** True for a HelloRetryRequest (a ServerHello with the special random, RFC 8446 §4.1.3). */
  retry: boolean;
}

/** SHA-256("HelloRetryRequest"). */
const HRR_RANDOM = Uint8Array.from(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c'.match(/../g)!.map((h) => parseInt(h, 16)),
);

export function parseServerHello(m: HandshakeMessage): ServerHello {
  const r = m.body;
  const version = r.u16();
  const random = r.take(32);
  const sessionIdVector = r.vector(1, 'legacy_session_id');
  const sessionId = sessionIdVector.take(sessionIdVector.remaining);
  const cipherSuite = r.u16();
  const compressionOffset = r.offset;
  if (r.u8() !== 0) throw new TlsProtocolError('handshake', Alert.illegal_parameter, 'The server chose TLS compression', compressionOffset);
  const extensions = r.remaining > 0 ? readExtensions(r) : [];
  r.end();
  return { version, random, sessionId, cipherSuite, extensions, retry: HRR_RANDOM.every((b, i) => random[i] === b) };
}

/** The certificates of a Certificate message (TLS 1.3 entries carry extensions, which are skipped). */
export function parseCertificateList(m: HandshakeMessage, tls13: boolean): Uint8Array[] {
  const r = m.body;
  if (tls13) {
    const context = r.vector(1, 'certificate_request_context');
    if (context.remaining !== 0) throw new TlsProtocolError('handshake', Alert.illegal_parameter, 'The server sent a certificate request context', context.offset);
  }
  const list = r.vector(3, 'certificate_list');
  r.end();
  const certs: Uint8Array[] = [];
  while (list.remaining > 0) {
    const cert = list.vector(3, 'certificate');
    if (cert.remaining === 0) throw decodeError('an empty certificate', cert.offset);
    certs.push(cert.take(cert.remaining));
    if (tls13) list.vector(2, 'certificate extensions');
  }
  return certs;
}

/** A list of signature schemes (signature_algorithms, a TLS 1.2 CertificateRequest). */
export function readSchemes(r: Reader): number[] {
  const list = r.vector(2, 'signature schemes');
  const schemes: number[] = [];
  while (list.remaining > 0) schemes.push(list.u16());
  return schemes;
}

/** A signature with its scheme (CertificateVerify, and the tail of a TLS 1.2 ServerKeyExchange). */
export function readSignature(r: Reader): { scheme: number; signature: Uint8Array } {
  const scheme = r.u16();
  const signature = r.vector(2, 'signature');
  return { scheme, signature: signature.take(signature.remaining) };
}
