/**
 * The TLS client state machine, I/O-free: bytes received go in (`receive`), records to send come out through
 * the `send` sink, in order, and decrypted application data comes back from `receive`. It offers TLS 1.3
 * (RFC 8446) and TLS 1.2 with ECDHE and AES-GCM (RFC 5246, 8422, 5288/5289), and hands the handshake to
 * Handshake13 or Handshake12 once the ServerHello says which. Every call is async because WebCrypto is.
 *
 * Any bad input ends in a TlsProtocolError (a TlsError with the stream offset and the alert to send);
 * after one, the client is spent: every later call throws it again.
 */
import type { TlsFailure } from '../../lib/message/errors';
import { cipherSuites, findSuite, type CipherSuite } from './cipher-suites';
import type { TlsClientConfig } from './client-config';
import { generateKeyShare, groupName, randomBytes, type KeyShare } from './crypto';
import { Alert, alertName, illegal, TlsProtocolError } from './errors';
import type { HandshakeContext, Negotiated, VersionHandshake } from './handshake-context';
import { Handshake12 } from './handshake-12';
import { Handshake13 } from './handshake-13';
import {
  encodeClientHello,
  ExtensionType,
  HandshakeReader,
  HandshakeType,
  handshakeName,
  parseServerHello,
  TLS12,
  TLS13,
  type ClientHelloParams,
  type HandshakeMessage,
  type ServerHello,
} from './handshake-messages';
import { ContentType, frameRecord, MAX_PLAINTEXT, RecordReader, type TlsRecord } from './record-layer';
import { plaintextProtection, type RecordProtection } from './record-protection';
import { SignatureSchemes } from './signatures';
import { Transcript } from './transcript';


/** What one `receive` produced. */
export interface Received {
  data: Uint8Array[];
  /** The server sent close_notify: no more data will come. */
  closed: boolean;
}

const SIGNATURE_SCHEMES = [
  SignatureSchemes.ecdsa_secp256r1_sha256,
  SignatureSchemes.ecdsa_secp384r1_sha384,
  SignatureSchemes.ecdsa_secp521r1_sha512,
  SignatureSchemes.rsa_pss_rsae_sha256,
  SignatureSchemes.rsa_pss_rsae_sha384,
  SignatureSchemes.rsa_pss_rsae_sha512,
  SignatureSchemes.rsa_pkcs1_sha256,
  SignatureSchemes.rsa_pkcs1_sha384,
  SignatureSchemes.rsa_pkcs1_sha512,
];

/** The last 8 bytes of a TLS 1.3 server's random when it negotiates TLS 1.2 (RFC 8446 §4.1.3). */
const DOWNGRADE_12 = [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01];

export class TlsClient implements HandshakeContext {
  readonly transcript = new Transcript();
  readonly clientRandom: Uint8Array;
  private readonly sessionId: Uint8Array;
  private readonly records = new RecordReader();
  private readonly handshakes = new HandshakeReader();
  private readProtection: RecordProtection = plaintextProtection();
  private writeProtection: RecordProtection = this.readProtection;
  /** Settles once every record queued so far was sealed and handed to `send`: sealing is async, order is kept. */
  private outgoing: Promise<void> = Promise.resolve();
  private phase: 'idle' | 'hello' | 'handshake' | 'established' | 'closed' = 'idle';
  private failure: TlsProtocolError | undefined;
  private hello: ClientHelloParams | undefined;
  private keyShare: KeyShare | undefined;
  private retried = false;
  private changeCipherSpecSent = false;
  private flow: VersionHandshake | undefined;
  /** The suite a HelloRetryRequest fixed: the ServerHello must keep it (RFC 8446 §4.1.4). */
  private retrySuite: number | undefined;
  private result: Negotiated | undefined;

  constructor(readonly config: TlsClientConfig) {
    this.clientRandom = config.random ?? randomBytes(32);
    // A session id makes TLS 1.3 look like a resumed TLS 1.2 session to middleboxes (RFC 8446 §D.4).
    this.sessionId = config.sessionId ?? randomBytes(32);
  }

  get handshakeIdle(): boolean {
    return this.handshakes.empty;
  }

  /** What was negotiated, once established. */
  get negotiated(): Negotiated | undefined {
    return this.result;
  }

  /** The handshake completed (even if the server has closed since). */
  get isEstablished(): boolean {
    return this.result !== undefined;
  }

  /** Sends the ClientHello. */
  async start(): Promise<void> {
    this.phase = 'hello';
    const group = this.config.groups[0]!;
    try {
      this.keyShare = await this.makeKeyShare(group);
    } catch (error) {
      throw this.fail(error);
    }
    this.hello = {
      random: this.clientRandom,
      sessionId: this.sessionId,
      cipherSuites: cipherSuites.filter((suite) => this.config.versions.includes(suite.version === 'TLSv1.3' ? TLS13 : TLS12)).map((s) => s.code),
      serverName: this.config.serverName,
      groups: this.config.groups,
      signatureSchemes: SIGNATURE_SCHEMES,
      alpn: this.config.alpn,
      versions: this.config.versions,
      keyShares: [{ group, publicKey: this.keyShare.publicKey }],
    };
    this.sendHandshake((this.config.encodeHello ?? encodeClientHello)(this.hello));
    await this.flush();
  }

  /** Takes bytes from the server; returns the application data they carried. */
  async receive(bytes: Uint8Array): Promise<Received> {
    if (this.failure) throw this.failure;
    // After the server's close_notify nothing it sends counts (RFC 8446 §6.1), nor is it kept.
    if (this.phase === 'closed') return { data: [], closed: true };
    const out: Received = { data: [], closed: false };
    try {
      this.records.push(bytes);
      for (let record = this.records.next(); record && !out.closed; record = this.records.next()) {
        if (record.type === ContentType.change_cipher_spec) {
          this.changeCipherSpec(record);
          continue;
        }
        const { type, content } = await this.readProtection.open(record);
        const contentOffset = record.offset + 5;
        if (content.length > MAX_PLAINTEXT) {
          throw new TlsProtocolError('protocol', Alert.record_overflow, 'Received a record longer than 2^14 bytes', record.offset);
        }
        if (type === ContentType.handshake) {
          if (content.length === 0) throw new TlsProtocolError('protocol', Alert.unexpected_message, 'Received an empty handshake record', record.offset);
          this.handshakes.push(content, contentOffset);
          for (let m = this.handshakes.next(); m; m = this.handshakes.next()) await this.handshakeMessage(m);
        } else if (type === ContentType.application_data) {
          if (this.phase !== 'established') {
            throw new TlsProtocolError('handshake', Alert.unexpected_message, 'Received application data before the handshake finished', record.offset);
          }
          if (content.length > 0) out.data.push(content);
        } else if (type === ContentType.alert) {
          if (this.alert(content, contentOffset)) {
            out.closed = true;
            this.phase = 'closed';
          }
        } else {
          throw new TlsProtocolError('protocol', Alert.unexpected_message, `Received a protected record of unknown type ${type}`, record.offset);
        }
      }
      await this.flush();
      return out;
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** Encrypts application data into records (at most 2^14 bytes each) and sends them. */
  async write(data: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    for (let at = 0; at < data.length; at += MAX_PLAINTEXT) {
      this.sendRecord(ContentType.application_data, data.subarray(at, at + MAX_PLAINTEXT));
    }
    await this.flush();
  }

  /** Sends close_notify. */
  async close(): Promise<void> {
    if (this.failure || this.phase === 'idle') return;
    this.sendRecord(ContentType.alert, Uint8Array.of(1, Alert.close_notify));
    await this.flush().catch(() => undefined);
  }

  /**
   * Records `error` as the client's failure and, for one of ours, sends its alert (best effort: the peer may
   * be gone). Returns the error to throw.
   */
  fail(error: unknown): Error {
    if (this.failure) return this.failure;
    // The reason follows the phase: 'handshake' until the handshake is done, 'protocol' after.
    const phaseReason: TlsFailure = this.phase === 'established' || this.phase === 'closed' ? 'protocol' : 'handshake';
    if (!(error instanceof TlsProtocolError)) {
      // Anything else (a key WebCrypto will not take, a bug) still ends the connection with a TlsError.
      const detail = error instanceof Error ? error.message : String(error);
      error = new TlsProtocolError(phaseReason, Alert.internal_error, `TLS with ${this.config.peer} failed: ${detail}`, -1, { cause: error });
    }
    const typed = error as TlsProtocolError;
    const generic = typed.reason === 'handshake' || typed.reason === 'protocol';
    const failure = generic && typed.reason !== phaseReason ? relabel(typed, phaseReason) : typed;
    this.failure = failure;
    if (failure.alert >= 0) this.sendRecord(ContentType.alert, Uint8Array.of(2, failure.alert));
    return failure;
  }

  /** Resolves once every record queued so far was sealed and handed to `send`. */
  flush(): Promise<void> {
    return this.outgoing;
  }

  // ------------------------------------------------------------------------------------------------------
  // HandshakeContext

  sendHandshake(message: Uint8Array): void {
    // After the handshake (KeyUpdate) nothing needs the transcript: it stops growing.
    if (this.phase !== 'established') this.transcript.add(message);
    this.sendRecord(ContentType.handshake, message);
  }

  sendChangeCipherSpec(): void {
    // Always unprotected (RFC 8446 §5, RFC 5246 §7.1).
    this.queue(Promise.resolve(frameRecord(ContentType.change_cipher_spec, Uint8Array.of(1))));
  }

  /** TLS 1.3 middlebox compatibility (RFC 8446 §D.4): one change_cipher_spec before the second flight. */
  private compatibilityChangeCipherSpec(): void {
    if (this.changeCipherSpecSent || this.sessionId.length === 0) return;
    this.changeCipherSpecSent = true;
    this.sendChangeCipherSpec();
  }

  setReadProtection(protection: RecordProtection): void {
    this.readProtection = protection;
  }

  setWriteProtection(protection: RecordProtection): void {
    this.writeProtection = protection;
  }

  established(negotiated: Negotiated): void {
    this.phase = 'established';
    this.result = negotiated;
  }

  // ------------------------------------------------------------------------------------------------------

  private sendRecord(type: number, content: Uint8Array): void {
    this.queue(this.writeProtection.seal(type, content));
  }

  private queue(sealed: Promise<Uint8Array>): void {
    const send = this.config.send;
    this.outgoing = this.outgoing.then(() => sealed).then((bytes) => send(bytes));
  }

  private makeKeyShare(group: number): Promise<KeyShare> {
    return (this.config.keyShare ?? generateKeyShare)(group);
  }

  /** change_cipher_spec is never protected (RFC 8446 §5, RFC 5246 §7.1); what it means depends on the version. */
  private changeCipherSpec(record: TlsRecord): void {
    if (record.body.length !== 1 || record.body[0] !== 1) {
      throw new TlsProtocolError('handshake', Alert.unexpected_message, 'Received a malformed change_cipher_spec', record.offset);
    }
    if (this.flow) return this.flow.changeCipherSpec(record.offset);
    // Between a HelloRetryRequest and the ServerHello, a TLS 1.3 server's middlebox-compatibility record.
    if (!this.retried) throw new TlsProtocolError('handshake', Alert.unexpected_message, 'Received change_cipher_spec before the ServerHello', record.offset);
  }

  /** Handles an alert record; returns true for close_notify, throws for any other. */
  private alert(content: Uint8Array, offset: number): boolean {
    if (content.length !== 2) throw new TlsProtocolError('protocol', Alert.decode_error, 'Received a malformed alert', offset);
    const description = content[1]!;
    if (description === Alert.close_notify) return true;
    if (description === Alert.user_canceled && content[0] === 1) return false;
    const reason: TlsFailure = this.phase === 'established' ? 'protocol' : 'handshake';
    // An alert from the peer is not answered with another.
    const error = new TlsProtocolError(reason, -1, `The server ${this.config.peer} sent the alert ${alertName(description)}${alertHint(description, this.phase)}`, offset);
    this.failure = error;
    throw error;
  }

  private async handshakeMessage(m: HandshakeMessage): Promise<void> {
    if (this.flow) return this.flow.message(m);
    if (m.type !== HandshakeType.server_hello) {
      throw new TlsProtocolError('handshake', Alert.unexpected_message, `Expected a ServerHello, got ${handshakeName(m.type)}`, m.offset);
    }
    const sh = parseServerHello(m);
    const version = this.selectedVersion(sh, m);
    if (sh.retry) return this.helloRetry(sh, m);
    this.transcript.add(m.raw);
    this.phase = 'handshake';
    const suite = this.checkSuite(sh, version, m);
    if (this.retried && (version !== TLS13 || suite.code !== this.retrySuite)) {
      throw illegal('The ServerHello after a HelloRetryRequest changed the version or the cipher suite', m.offset);
    }
    if (version === TLS13) {
      if (!equal(sh.sessionId, this.sessionId)) throw illegal('The server did not echo the session id', m.offset);
      const handshake = new Handshake13(this, suite, this.keyShare!, this.hello!.alpn);
      this.flow = handshake;
      this.compatibilityChangeCipherSpec();
      await handshake.begin(sh, m);
    } else {
      if (this.config.versions.includes(TLS13) && DOWNGRADE_12.every((b, i) => sh.random[24 + i] === b)) {
        throw illegal('The server signalled a downgrade from TLS 1.3 to 1.2 (an attack, or a broken middlebox)', m.offset);
      }
      const handshake = new Handshake12(this, suite, sh, this.hello!);
      this.flow = handshake;
      handshake.checkHello(sh, m);
    }
  }

  /** The version the ServerHello (or HelloRetryRequest) selects, checked against what was offered. */
  private selectedVersion(sh: ServerHello, m: HandshakeMessage): number {
    const ext = sh.extensions.find((e) => e.type === ExtensionType.supported_versions);
    let version = sh.version;
    if (ext) {
      version = ext.data.u16();
      ext.data.end();
      if (version !== TLS13) throw illegal(`The server selected version 0x${version.toString(16)} in supported_versions`, m.offset);
    } else if (sh.retry) {
      throw illegal('The HelloRetryRequest has no supported_versions', m.offset);
    }
    if (!this.config.versions.includes(version)) {
      const name = version === TLS12 ? 'TLS 1.2' : version === TLS13 ? 'TLS 1.3' : `version 0x${version.toString(16)}`;
      throw new TlsProtocolError(
        'handshake',
        Alert.protocol_version,
        `The server ${this.config.peer} chose ${name}, which this client does not accept (it offered ${this.config.versions.map((v) => (v === TLS13 ? 'TLS 1.3' : 'TLS 1.2')).join(' and ')})`,
        m.offset,
      );
    }
    return version;
  }

  private checkSuite(sh: ServerHello, version: number, m: HandshakeMessage): CipherSuite {
    const suite = findSuite(sh.cipherSuite);
    const wanted = version === TLS13 ? 'TLSv1.3' : 'TLSv1.2';
    if (!suite || suite.version !== wanted || !this.hello!.cipherSuites.includes(suite.code)) {
      throw illegal(`The server chose cipher suite 0x${sh.cipherSuite.toString(16)}, which was not offered for ${wanted}`, m.offset);
    }
    return suite;
  }

  /** A HelloRetryRequest: a new ClientHello with a key share for the group the server asks for. */
  private async helloRetry(hrr: ServerHello, m: HandshakeMessage): Promise<void> {
    if (this.retried) throw new TlsProtocolError('handshake', Alert.unexpected_message, 'The server sent a second HelloRetryRequest', m.offset);
    this.retried = true;
    const suite = this.checkSuite(hrr, TLS13, m);
    if (!equal(hrr.sessionId, this.sessionId)) throw illegal('The server did not echo the session id', m.offset);
    let group: number | undefined;
    let cookie: Uint8Array | undefined;
    for (const ext of hrr.extensions) {
      if (ext.type === ExtensionType.key_share) {
        group = ext.data.u16();
        ext.data.end();
      } else if (ext.type === ExtensionType.cookie) {
        const c = ext.data.vector(2, 'cookie');
        cookie = c.take(c.remaining);
        ext.data.end();
      } else if (ext.type !== ExtensionType.supported_versions) {
        throw new TlsProtocolError('handshake', Alert.unsupported_extension, `The HelloRetryRequest has extension ${ext.type}, which was not offered`, m.offset);
      }
    }
    if (group === undefined && cookie === undefined) throw illegal('The HelloRetryRequest would change nothing', m.offset);
    if (group !== undefined && (!this.config.groups.includes(group) || group === this.keyShare!.group)) {
      throw illegal(`The HelloRetryRequest asks for group ${groupName(group)}, which was not offered or already sent`, m.offset);
    }
    await this.transcript.restartWithHash(suite.hash);
    this.transcript.add(m.raw);
    if (group !== undefined) this.keyShare = await this.makeKeyShare(group);
    this.retrySuite = suite.code;
    this.hello = { ...this.hello!, keyShares: [{ group: this.keyShare!.group, publicKey: this.keyShare!.publicKey }], ...(cookie ? { cookie } : {}) };
    this.compatibilityChangeCipherSpec();
    this.sendHandshake((this.config.encodeHello ?? encodeClientHello)(this.hello));
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function relabel(error: TlsProtocolError, reason: TlsFailure): TlsProtocolError {
  const message = error.offset >= 0 ? error.message.replace(/ \(at byte \d+\)$/, '') : error.message;
  return new TlsProtocolError(reason, error.alert, message, error.offset, { cause: error.cause });
}

/** Why a server would send this alert during the handshake, when there is a likely answer. */
function alertHint(description: number, phase: string): string {
  if (phase === 'established' || phase === 'closed') return '';
  if (description === Alert.protocol_version) return ': it accepts none of the versions offered (TLS 1.3, TLS 1.2)';
  if (description === Alert.handshake_failure || description === Alert.insufficient_security) {
    return ': it probably accepts none of the cipher suites or groups offered (AES-GCM with ECDHE over X25519, P-256, P-384)';
  }
  if (description === Alert.certificate_required) return ': it requires a client certificate';
  return '';
}
