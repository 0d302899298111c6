/**
 * The TLS 1.3 handshake after the ServerHello (RFC 8446 §4): key exchange, EncryptedExtensions, the
 * server's Certificate and CertificateVerify (signature checked), its Finished (MAC checked), then the
 * client's Finished and the application traffic keys; afterwards NewSessionTicket (ignored: no resumption)
 * and KeyUpdate.
 */
import { fromByteString, joinBytes } from '../../lib/message/bytes';
import { equalBytes, Writer } from './bytes';
import type { CipherSuite } from './cipher-suites';
import { groupName, type KeyShare } from './crypto';
import { Alert, illegal, TlsProtocolError } from './errors';
import {
  encodeHandshake,
  ExtensionType,
  HandshakeType,
  handshakeName,
  parseCertificateList,
  readExtensions,
  readSchemes,
  readSignature,
  type HandshakeMessage,
  type ServerHello,
} from './handshake-messages';
import { KeySchedule13 } from './key-schedule';
import { Protection13 } from './record-protection';
import { signerFor } from './client-credentials';
import { schemeMismatch, verifyScheme } from './signatures';
import type { HandshakeContext, VersionHandshake } from './handshake-context';
import type { Certificate } from './x509';

type State = 'encrypted_extensions' | 'certificate' | 'certificate_verify' | 'finished' | 'done';

export class Handshake13 implements VersionHandshake {
  private readonly schedule: KeySchedule13;
  private state: State = 'encrypted_extensions';
  private clientSecret: Uint8Array = new Uint8Array(0);
  private serverSecret: Uint8Array = new Uint8Array(0);
  private leaf: Certificate | undefined;
  private certificateRequested: { context: Uint8Array; schemes: number[] } | undefined;
  private alpn: string | undefined;

  constructor(
    private readonly ctx: HandshakeContext,
    private readonly suite: CipherSuite,
    private readonly keyShare: KeyShare,
    private readonly offeredAlpn: string[],
  ) {
    this.schedule = new KeySchedule13(suite.hash, suite.keyLength);
  }

  /** The ServerHello: its key share, then the handshake traffic keys. */
  async begin(sh: ServerHello, m: HandshakeMessage): Promise<void> {
    let serverShare: Uint8Array | undefined;
    for (const ext of sh.extensions) {
      if (ext.type === ExtensionType.key_share) {
        const group = ext.data.u16();
        if (group !== this.keyShare.group) throw illegal(`The server's key share is for ${groupName(group)}, not the group offered`, m.offset);
        const key = ext.data.vector(2, 'key_exchange');
        serverShare = key.take(key.remaining);
        ext.data.end();
      } else if (ext.type !== ExtensionType.supported_versions) {
        throw new TlsProtocolError('handshake', Alert.unsupported_extension, `The ServerHello has extension ${ext.type}, which was not offered`, m.offset);
      }
    }
    if (!serverShare) throw new TlsProtocolError('handshake', Alert.missing_extension, 'The ServerHello has no key share (PSK-only handshakes are not offered)', m.offset);
    let shared: Uint8Array;
    try {
      shared = await this.keyShare.agree(serverShare);
    } catch (error) {
      throw new TlsProtocolError('handshake', Alert.illegal_parameter, "The server's key share is not a valid public key", m.offset, { cause: error });
    }
    const secrets = await this.schedule.handshake(shared, await this.ctx.transcript.hash(this.suite.hash));
    this.clientSecret = secrets.client;
    this.serverSecret = secrets.server;
    this.keyChange(m.offset);
    const [server, client] = await Promise.all([this.schedule.trafficKeys(secrets.server), this.schedule.trafficKeys(secrets.client)]);
    this.ctx.setReadProtection(new Protection13(server.key, server.iv));
    this.ctx.setWriteProtection(new Protection13(client.key, client.iv));
  }

  /** TLS 1.3 servers may send one change_cipher_spec during the handshake, for middleboxes; it means nothing. */
  changeCipherSpec(offset: number): void {
    if (this.state === 'done') throw new TlsProtocolError('protocol', Alert.unexpected_message, 'Received change_cipher_spec after the handshake', offset);
  }

  async message(m: HandshakeMessage): Promise<void> {
    switch (this.state) {
      case 'encrypted_extensions':
        this.expect(m, HandshakeType.encrypted_extensions);
        this.encryptedExtensions(m);
        this.state = 'certificate';
        break;
      case 'certificate':
        if (m.type === HandshakeType.certificate_request && !this.certificateRequested) {
          const context = m.body.vector(1, 'certificate_request_context');
          const extensions = readExtensions(m.body);
          m.body.end();
          const algorithms = extensions.find((ext) => ext.type === ExtensionType.signature_algorithms);
          if (!algorithms) throw new TlsProtocolError('handshake', Alert.missing_extension, 'The CertificateRequest has no signature_algorithms', m.offset);
          this.certificateRequested = { context: context.take(context.remaining), schemes: readSchemes(algorithms.data) };
          algorithms.data.end();
          this.ctx.transcript.add(m.raw);
          break;
        }
        this.expect(m, HandshakeType.certificate);
        this.leaf = await this.ctx.config.verifyCertificates(parseCertificateList(m, true));
        this.ctx.transcript.add(m.raw);
        this.state = 'certificate_verify';
        break;
      case 'certificate_verify':
        this.expect(m, HandshakeType.certificate_verify);
        await this.certificateVerify(m);
        this.state = 'finished';
        break;
      case 'finished':
        this.expect(m, HandshakeType.finished);
        await this.finished(m);
        this.state = 'done';
        break;
      case 'done':
        await this.postHandshake(m);
        break;
    }
  }

  private expect(m: HandshakeMessage, type: number): void {
    if (m.type !== type) {
      throw new TlsProtocolError('handshake', Alert.unexpected_message, `Expected ${handshakeName(type)}, got ${handshakeName(m.type)}`, m.offset);
    }
  }

  private encryptedExtensions(m: HandshakeMessage): void {
    for (const ext of readExtensions(m.body)) {
      if (ext.type === ExtensionType.alpn) {
        const list = ext.data.vector(2, 'ALPN list');
        const name = list.vector(1, 'ALPN protocol');
        list.end();
        ext.data.end();
        this.alpn = String.fromCharCode(...name.take(name.remaining));
        if (!this.offeredAlpn.includes(this.alpn)) throw illegal(`The server chose the application protocol '${this.alpn}', which was not offered`, m.offset);
      } else if (ext.type === ExtensionType.key_share || ext.type === ExtensionType.supported_versions || ext.type === ExtensionType.signature_algorithms) {
        throw illegal(`EncryptedExtensions may not carry extension ${ext.type}`, m.offset);
      }
      // server_name (empty), supported_groups and others the server may send are informational.
    }
    m.body.end();
    this.ctx.transcript.add(m.raw);
  }

  private async certificateVerify(m: HandshakeMessage): Promise<void> {
    const { scheme, signature } = readSignature(m.body);
    m.body.end();
    const leaf = this.leaf!;
    const mismatch = schemeMismatch(scheme, leaf, true);
    if (mismatch) throw illegal(`CertificateVerify: ${mismatch}`, m.offset);
    const content = joinBytes([
      new Uint8Array(64).fill(0x20),
      fromByteString('TLS 1.3, server CertificateVerify'),
      Uint8Array.of(0),
      await this.ctx.transcript.hash(this.suite.hash),
    ]);
    if (!(await verifyScheme(scheme, leaf, signature, content))) {
      throw new TlsProtocolError('handshake', Alert.decrypt_error, `The server ${this.ctx.config.peer} did not prove it holds the certificate's key: its CertificateVerify signature is wrong`, m.offset);
    }
    this.ctx.transcript.add(m.raw);
  }

  private async finished(m: HandshakeMessage): Promise<void> {
    const received = m.body.take(m.body.remaining);
    const expected = await this.schedule.finished(this.serverSecret, await this.ctx.transcript.hash(this.suite.hash));
    if (!equalBytes(received, expected)) {
      throw new TlsProtocolError('handshake', Alert.decrypt_error, "The server's Finished does not match the handshake: it was tampered with", m.offset);
    }
    this.ctx.transcript.add(m.raw);
    const application = await this.schedule.application(await this.ctx.transcript.hash(this.suite.hash));
    this.keyChange(m.offset);
    const [server, client] = await Promise.all([this.schedule.trafficKeys(application.server), this.schedule.trafficKeys(application.client)]);
    if (this.certificateRequested) await this.clientCertificate(this.certificateRequested);
    const verifyData = await this.schedule.finished(this.clientSecret, await this.ctx.transcript.hash(this.suite.hash));
    // From the Finished on, without a wait in between: no record can be sealed with the wrong keys.
    this.ctx.sendHandshake(encodeHandshake(HandshakeType.finished, verifyData));
    this.clientSecret = application.client;
    this.serverSecret = application.server;
    this.ctx.setReadProtection(new Protection13(server.key, server.iv));
    this.ctx.setWriteProtection(new Protection13(client.key, client.iv));
    this.ctx.established({ version: 'TLSv1.3', cipher: this.suite.name, group: groupName(this.keyShare.group), alpn: this.alpn });
  }

  /**
   * The client's Certificate and CertificateVerify; without credentials, or when the server accepts no scheme
   * that fits the key, an empty Certificate, and the server decides whether that is enough.
   */
  private async clientCertificate({ context, schemes }: { context: Uint8Array; schemes: number[] }): Promise<void> {
    const credentials = this.ctx.config.credentials;
    const signer = credentials ? signerFor(credentials, schemes, true) : undefined;
    const list = new Writer()
      .vector(1, (w) => w.bytes(context))
      .vector(3, (w) => {
        if (signer) for (const cert of credentials!.chain) w.vector(3, (c) => c.bytes(cert)).u16(0);
      })
      .finish();
    this.ctx.sendHandshake(encodeHandshake(HandshakeType.certificate, list));
    if (!signer) return;
    const content = joinBytes([
      new Uint8Array(64).fill(0x20),
      fromByteString('TLS 1.3, client CertificateVerify'),
      Uint8Array.of(0),
      await this.ctx.transcript.hash(this.suite.hash),
    ]);
    const signature = await signer.sign(content);
    this.ctx.sendHandshake(encodeHandshake(HandshakeType.certificate_verify, new Writer().u16(signer.scheme).vector(2, (w) => w.bytes(signature)).finish()));
  }

  private async postHandshake(m: HandshakeMessage): Promise<void> {
    if (m.type === HandshakeType.new_session_ticket) return; // resumption is not offered
    if (m.type !== HandshakeType.key_update) {
      throw new TlsProtocolError('protocol', Alert.unexpected_message, `Unexpected ${handshakeName(m.type)} after the handshake`, m.offset);
    }
    const requested = m.body.u8();
    m.body.end();
    if (requested > 1) throw new TlsProtocolError('protocol', Alert.illegal_parameter, 'KeyUpdate with an unknown request', m.offset);
    this.keyChange(m.offset);
    this.serverSecret = await this.schedule.nextGeneration(this.serverSecret);
    const server = await this.schedule.trafficKeys(this.serverSecret);
    this.ctx.setReadProtection(new Protection13(server.key, server.iv));
    if (requested === 1) {
      // The new keys first, then the KeyUpdate and the switch together: a write in between would use old keys.
      const next = await this.schedule.nextGeneration(this.clientSecret);
      const client = await this.schedule.trafficKeys(next);
      this.ctx.sendHandshake(encodeHandshake(HandshakeType.key_update, Uint8Array.of(0)));
      this.ctx.setWriteProtection(new Protection13(client.key, client.iv));
      this.clientSecret = next;
    }
  }

  /** Keys change only at a message boundary that is also a record boundary (RFC 8446 §5.1). */
  private keyChange(offset: number): void {
    if (!this.ctx.handshakeIdle) {
      throw new TlsProtocolError('handshake', Alert.unexpected_message, 'A handshake message spans a key change', offset);
    }
  }
}
