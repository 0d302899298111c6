/**
 * The TLS 1.2 handshake after the ServerHello, for ECDHE suites with AES-GCM (RFC 5246 §7.4, RFC 8422,
 * RFC 5289): the server's Certificate, its ServerKeyExchange (the ECDHE share, signature checked), an
 * optional CertificateRequest (answered with no certificate), ServerHelloDone; then the client's
 * ClientKeyExchange, ChangeCipherSpec and Finished, and the server's ChangeCipherSpec and Finished.
 * The extended master secret (RFC 7627) is used when the server agrees; renegotiation is refused.
 */
import { joinBytes } from '../../lib/message/bytes';
import { equalBytes, Writer } from './bytes';
import type { CipherSuite } from './cipher-suites';
import { generateKeyShare, groupName } from './crypto';
import { Alert, illegal, TlsProtocolError } from './errors';
import {
  encodeHandshake,
  ExtensionType,
  HandshakeType,
  handshakeName,
  parseCertificateList,
  readSchemes,
  readSignature,
  type ClientHelloParams,
  type HandshakeMessage,
  type ServerHello,
} from './handshake-messages';
import { keyBlock, masterSecret, verifyData, type KeyBlock12 } from './prf';
import { Protection12 } from './record-protection';
import { signerFor } from './client-credentials';
import { schemeMismatch, verifyScheme } from './signatures';
import type { HandshakeContext, VersionHandshake } from './handshake-context';
import { Oid, type Certificate } from './x509';

type State = 'certificate' | 'server_key_exchange' | 'server_hello_done' | 'change_cipher_spec' | 'finished' | 'done';

/** Extensions a TLS 1.2 ServerHello may answer with: those offered. */
const answerable = new Set<number>([
  ExtensionType.server_name,
  ExtensionType.ec_point_formats,
  ExtensionType.extended_master_secret,
  ExtensionType.renegotiation_info,
  ExtensionType.alpn,
]);

export class Handshake12 implements VersionHandshake {
  private state: State = 'certificate';
  private leaf: Certificate | undefined;
  private group = 0;
  private serverPublic: Uint8Array = new Uint8Array(0);
  /** The signature schemes of the server's CertificateRequest, when it sent one. */
  private certificateRequested: number[] | undefined;
  private extendedMasterSecret = false;
  private alpn: string | undefined;
  private master: Uint8Array = new Uint8Array(0);
  private keys: KeyBlock12 | undefined;

  constructor(
    private readonly ctx: HandshakeContext,
    private readonly suite: CipherSuite,
    private readonly serverHello: ServerHello,
    private readonly offered: ClientHelloParams,
  ) {}

  /** The ServerHello's extensions. */
  checkHello(sh: ServerHello, m: HandshakeMessage): void {
    for (const ext of sh.extensions) {
      if (!answerable.has(ext.type)) {
        throw new TlsProtocolError('handshake', Alert.unsupported_extension, `The ServerHello has extension ${ext.type}, which was not offered`, m.offset);
      }
      if (ext.type === ExtensionType.extended_master_secret) this.extendedMasterSecret = true;
      if (ext.type === ExtensionType.renegotiation_info) {
        const info = ext.data.vector(1, 'renegotiation_info');
        if (info.remaining !== 0) throw new TlsProtocolError('handshake', Alert.handshake_failure, 'The server sent renegotiation data on a new connection', m.offset);
      }
      if (ext.type === ExtensionType.alpn) {
        const list = ext.data.vector(2, 'ALPN list');
        const name = list.vector(1, 'ALPN protocol');
        list.end();
        this.alpn = String.fromCharCode(...name.take(name.remaining));
        if (!this.offered.alpn.includes(this.alpn)) throw illegal(`The server chose the application protocol '${this.alpn}', which was not offered`, m.offset);
      }
    }
  }

  changeCipherSpec(offset: number): void {
    if (this.state !== 'change_cipher_spec') {
      throw new TlsProtocolError('handshake', Alert.unexpected_message, 'Received change_cipher_spec out of order', offset);
    }
    if (!this.ctx.handshakeIdle) throw new TlsProtocolError('handshake', Alert.unexpected_message, 'A handshake message spans change_cipher_spec', offset);
    this.ctx.setReadProtection(new Protection12(this.keys!.serverKey, this.keys!.serverSalt));
    this.state = 'finished';
  }

  async message(m: HandshakeMessage): Promise<void> {
    switch (this.state) {
      case 'certificate':
        this.expect(m, HandshakeType.certificate);
        this.leaf = await this.ctx.config.verifyCertificates(parseCertificateList(m, false));
        const ec = this.leaf.keyAlgorithm === Oid.ecPublicKey;
        if ((this.suite.auth === 'ecdsa') !== ec) {
          throw new TlsProtocolError('handshake', Alert.unsupported_certificate, `The server chose ${this.suite.name} but its certificate has ${ec ? 'an EC' : 'an RSA'} key`, m.offset);
        }
        this.ctx.transcript.add(m.raw);
        this.state = 'server_key_exchange';
        break;
      case 'server_key_exchange':
        this.expect(m, HandshakeType.server_key_exchange);
        await this.serverKeyExchange(m);
        this.state = 'server_hello_done';
        break;
      case 'server_hello_done':
        if (m.type === HandshakeType.certificate_request && !this.certificateRequested) {
          m.body.vector(1, 'certificate_types');
          this.certificateRequested = readSchemes(m.body);
          m.body.vector(2, 'certificate_authorities');
          m.body.end();
          this.ctx.transcript.add(m.raw);
          break;
        }
        this.expect(m, HandshakeType.server_hello_done);
        m.body.end();
        this.ctx.transcript.add(m.raw);
        await this.clientFlight(m);
        this.state = 'change_cipher_spec';
        break;
      case 'change_cipher_spec':
        throw new TlsProtocolError('handshake', Alert.unexpected_message, `Expected change_cipher_spec, got ${handshakeName(m.type)}`, m.offset);
      case 'finished': {
        this.expect(m, HandshakeType.finished);
        const expected = await verifyData(this.suite.hash, this.master, 'server finished', await this.ctx.transcript.hash(this.suite.hash));
        if (!equalBytes(m.body.take(m.body.remaining), expected)) {
          throw new TlsProtocolError('handshake', Alert.decrypt_error, "The server's Finished does not match the handshake: it was tampered with", m.offset);
        }
        this.state = 'done';
        this.ctx.established({ version: 'TLSv1.2', cipher: this.suite.name, group: groupName(this.group), alpn: this.alpn });
        break;
      }
      case 'done':
        // A HelloRequest asks for renegotiation, which this client does not do; ignoring it is allowed.
        if (m.type === HandshakeType.hello_request && m.body.remaining === 0) break;
        throw new TlsProtocolError('protocol', Alert.unexpected_message, `Unexpected ${handshakeName(m.type)} after the handshake (renegotiation is not supported)`, m.offset);
    }
  }

  private expect(m: HandshakeMessage, type: number): void {
    if (m.type !== type) {
      throw new TlsProtocolError('handshake', Alert.unexpected_message, `Expected ${handshakeName(type)}, got ${handshakeName(m.type)}`, m.offset);
    }
  }

  /** ECParameters (named_curve), the server's point, and a signature over both randoms and them. */
  private async serverKeyExchange(m: HandshakeMessage): Promise<void> {
    const r = m.body;
    const paramsStart = r.offset - m.offset - 4;
    if (r.u8() !== 3) throw illegal('ServerKeyExchange: only named curves are supported', m.offset);
    this.group = r.u16();
    if (!this.offered.groups.includes(this.group)) throw illegal(`ServerKeyExchange: group ${groupName(this.group)} was not offered`, m.offset);
    const point = r.vector(1, 'ECDH public key');
    this.serverPublic = point.take(point.remaining);
    if (this.serverPublic.length === 0) throw illegal('ServerKeyExchange: empty public key', m.offset);
    const params = m.raw.subarray(4 + paramsStart, r.offset - m.offset);
    const { scheme, signature } = readSignature(r);
    r.end();
    if (!this.offered.signatureSchemes.includes(scheme)) throw illegal(`ServerKeyExchange: signature scheme 0x${scheme.toString(16)} was not offered`, m.offset);
    const mismatch = schemeMismatch(scheme, this.leaf!, false);
    if (mismatch) throw illegal(`ServerKeyExchange: ${mismatch}`, m.offset);
    const signed = joinBytes([this.ctx.clientRandom, this.serverHello.random, params]);
    if (!(await verifyScheme(scheme, this.leaf!, signature, signed))) {
      throw new TlsProtocolError('handshake', Alert.decrypt_error, `The server ${this.ctx.config.peer} did not prove it holds the certificate's key: its ServerKeyExchange signature is wrong`, m.offset);
    }
    this.ctx.transcript.add(m.raw);
  }

  /** [Certificate], ClientKeyExchange, ChangeCipherSpec, Finished. */
  private async clientFlight(m: HandshakeMessage): Promise<void> {
    const share = await (this.ctx.config.keyShare ?? generateKeyShare)(this.group);
    let preMaster: Uint8Array;
    try {
      preMaster = await share.agree(this.serverPublic);
    } catch (error) {
      throw new TlsProtocolError('handshake', Alert.illegal_parameter, "The server's ECDHE share is not a valid public key", m.offset, { cause: error });
    }
    // Without credentials, or when the server accepts no scheme that fits the key: an empty Certificate.
    const credentials = this.ctx.config.credentials;
    const signer = credentials && this.certificateRequested ? signerFor(credentials, this.certificateRequested, false) : undefined;
    if (this.certificateRequested) {
      const list = new Writer().vector(3, (w) => {
        if (signer) for (const cert of credentials!.chain) w.vector(3, (c) => c.bytes(cert));
      });
      this.ctx.sendHandshake(encodeHandshake(HandshakeType.certificate, list.finish()));
    }
    this.ctx.sendHandshake(encodeHandshake(HandshakeType.client_key_exchange, new Writer().vector(1, (w) => w.bytes(share.publicKey)).finish()));
    // RFC 7627: the session hash covers the messages through ClientKeyExchange, not the CertificateVerify.
    const sessionHash = this.extendedMasterSecret ? await this.ctx.transcript.hash(this.suite.hash) : undefined;
    if (signer) {
      const signature = await signer.sign(this.ctx.transcript.bytes());
      this.ctx.sendHandshake(encodeHandshake(HandshakeType.certificate_verify, new Writer().u16(signer.scheme).vector(2, (w) => w.bytes(signature)).finish()));
    }
    this.master = await masterSecret(this.suite.hash, preMaster, this.ctx.clientRandom, this.serverHello.random, sessionHash);
    this.keys = await keyBlock(this.suite.hash, this.master, this.ctx.clientRandom, this.serverHello.random, this.suite.keyLength);
    this.ctx.sendChangeCipherSpec();
    this.ctx.setWriteProtection(new Protection12(this.keys.clientKey, this.keys.clientSalt));
    const data = await verifyData(this.suite.hash, this.master, 'client finished', await this.ctx.transcript.hash(this.suite.hash));
    this.ctx.sendHandshake(encodeHandshake(HandshakeType.finished, data));
  }
}
