/**
 * The legacy engine of ForgeTls: node-forge's own TLS client, which speaks TLS 1.0 and 1.1 only, with RSA key
 * exchange and AES-CBC-SHA, and reads only RSA certificates. ForgeTls uses it only when `tls.minVersion` is
 * 'TLSv1' or 'TLSv1.1' (never by default): for old devices that speak nothing newer. See docs/tls.md.
 *
 * node-forge does not check host names and has no trust store: the chain is checked against `tls.ca` with
 * forge's CA store (validity on the wall clock), the host name here (`matchesHostname`).
 */
import forge from 'node-forge';
import { TlsError, TransportError, type TlsFailure } from '../../lib/message/errors';
import type { Transport, TransportOptions } from '../../lib/transport/transport';
import { boundedHandshake } from './bounded-handshake';
import { describeNames, matchesNames, parseIpAddress, type CertificateNames } from './hostname';
import { RecordScreen } from './record-screen';

/** What the legacy handshake needs, checked before any byte is sent. */
export interface LegacyConfig {
  /** The name the certificate must be valid for (and the SNI, when it is not an IP address). */
  name: string;
  /** `host:port` for messages. */
  peer: string;
  verify: boolean;
  caStore: forge.pki.CAStore | undefined;
  certPems: string[] | undefined;
  keyPem: string | undefined;
  /** Lowest acceptable negotiated minor version on the wire (1 = TLS 1.0, 2 = TLS 1.1). */
  minMinor: number;
}

interface AltName {
  type: number;
  value: string;
  ip?: string;
}

/** What a node-forge certificate names: SAN entries and the CN. */
function forgeNames(cert: forge.pki.Certificate): CertificateNames {
  const san = cert.getExtension('subjectAltName') as { altNames?: AltName[] } | null | undefined;
  const altNames = san?.altNames ?? [];
  const cn = cert.subject.getField('CN') as { value?: unknown } | null;
  return {
    hasSan: Boolean(san),
    dnsNames: altNames.filter((alt) => alt.type === 2 && typeof alt.value === 'string').map((alt) => alt.value),
    ipAddresses: altNames.filter((alt) => alt.type === 7).map(altNameIp),
    commonName: typeof cn?.value === 'string' ? cn.value : undefined,
  };
}

/** Whether a node-forge certificate is valid for `host` (see `matchesNames` for the rules). */
export function matchesHostname(cert: forge.pki.Certificate, host: string): boolean {
  return matchesNames(forgeNames(cert), host);
}

/** A SAN iPAddress entry's bytes: `value` as parsed from DER, or `ip` text on a certificate built in memory. */
function altNameIp(alt: AltName): Uint8Array {
  if (typeof alt.value === 'string' && (alt.value.length === 4 || alt.value.length === 16)) return binaryToBytes(alt.value);
  return (typeof alt.ip === 'string' ? parseIpAddress(alt.ip) : null) ?? new Uint8Array(0);
}

/* ------------------------------------------------------------------------------------------------------ */
/* Bytes <-> forge binary strings                                                                           */
/* ------------------------------------------------------------------------------------------------------ */

const NodeBuffer: typeof Buffer | undefined = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/** A forge "binary" string (one char per byte) as bytes. */
export function binaryToBytes(binary: string): Uint8Array {
  if (NodeBuffer) {
    const buffer = NodeBuffer.from(binary, 'latin1');
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Bytes as a forge "binary" string. */
export function bytesToBinary(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x2000) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x2000) as unknown as number[]);
  }
  return out;
}

/* ------------------------------------------------------------------------------------------------------ */
/* Errors                                                                                                   */
/* ------------------------------------------------------------------------------------------------------ */

const alertNames: Record<number, string> = Object.fromEntries(
  Object.entries(forge.tls.Alert.Description as unknown as Record<string, number>).map(([name, code]) => [code, name]),
);

function describeAlert(alert: { description?: number } | undefined): string {
  if (!alert || alert.description === undefined) return '';
  return ` (alert ${alertNames[alert.description] ?? alert.description})`;
}

/** A forge failure (`conn.error`) as a TlsError, by phase and by who raised it. */
function forgeError(ex: forge.tls.TLSError, handshaking: boolean, peer: string): TlsError {
  const alert = ex.alert as { description?: number } | undefined;
  const detail = `${ex.message}${describeAlert(alert)}`;
  const Desc = forge.tls.Alert.Description;
  if (ex.origin === 'server') {
    if (handshaking) {
      let hint = '';
      if (alert?.description === Desc.protocol_version) {
        hint = ': it does not accept TLS 1.0 or 1.1, the only versions node-forge speaks';
      } else if (alert?.description === Desc.handshake_failure || alert?.description === Desc.insufficient_security) {
        hint = ': it probably accepts none of the cipher suites node-forge offers (RSA key exchange with AES-CBC-SHA)';
      } else if (alert?.description === Desc.internal_error) {
        hint = ' (an OpenSSL 3 server answers so when its security level forbids TLS 1.0/1.1 signatures: it needs @SECLEVEL=0 in its cipher list)';
      }
      return new TlsError('handshake', `The server ${peer} refused the TLS handshake${hint}: ${detail}`, { cause: ex });
    }
    return new TlsError('protocol', `The server ${peer} ended the TLS session with an error: ${detail}`, { cause: ex });
  }
  if (handshaking) return new TlsError('handshake', `The TLS handshake with ${peer} failed: ${detail}`, { cause: ex });
  return new TlsError('protocol', `TLS protocol error on the connection to ${peer}: ${detail}`, { cause: ex });
}

/** A chain verification failure reported by forge, with the certificate concerned. */
function chainError(
  verified: unknown,
  depth: number,
  cert: forge.pki.Certificate | undefined,
  peer: string,
): TlsError {
  const who = depth === 0 ? `The certificate of ${peer}` : `A certificate in the chain of ${peer} (depth ${depth})`;
  const subject = cert ? ` ("${(cert.subject.getField('CN') as { value?: string } | null)?.value ?? 'no CN'}")` : '';
  const errors = (forge.pki as unknown as { certificateError: Record<string, string> }).certificateError;
  let reason: TlsFailure = 'untrusted';
  let message: string;
  if (verified === errors.certificate_expired && cert) {
    const now = new Date();
    if (now < cert.validity.notBefore) {
      reason = 'not-yet-valid';
      message = `${who}${subject} is not valid yet: it is valid from ${cert.validity.notBefore.toISOString()}`;
    } else {
      reason = 'expired';
      message = `${who}${subject} has expired: it was valid until ${cert.validity.notAfter.toISOString()}`;
    }
  } else if (verified === errors.unknown_ca) {
    message = `${who}${subject} is not signed by a trusted certificate authority (pass the issuing CA in tls.ca)`;
  } else if (verified === errors.unsupported_certificate) {
    message = `${who}${subject} cannot be verified: it has a critical extension that node-forge does not support`;
  } else {
    message = `${who}${subject} does not verify against the trusted certificate authorities: bad signature, issuer or CA constraints`;
  }
  return new TlsError(reason, message, { cause: verified });
}

/* ------------------------------------------------------------------------------------------------------ */
/* The transport                                                                                            */
/* ------------------------------------------------------------------------------------------------------ */

/** A node-forge TLS 1.0/1.1 client session over an inner transport, for `tls.minVersion` 'TLSv1' or 'TLSv1.1'. */
export class LegacyForgeTransport implements Transport {
  readonly secure = true;
  /** Each read is freshly decoded from forge's output. */
  readonly ownedReads = true;
  private readonly inner: Transport;
  private readonly config: LegacyConfig;
  private readonly conn: forge.tls.Connection;
  /** Decrypted application data not read yet. */
  private readonly plain: Uint8Array[] = [];
  /** The first fatal error; reads (after the data received before it) and writes reject with it. */
  private failure: Error | undefined;
  /** Set by verify(): the precise reason forge reports only as an alert. */
  private verifyFailure: TlsError | undefined;
  private handshakeDone = false;
  /** close_notify received, or the inner transport ended: reads return null once `plain` is drained. */
  private peerClosed = false;
  private closing: Promise<void> | undefined;
  /** Encrypted bytes go to the inner transport one write at a time, in order. */
  private writes: Promise<void> = Promise.resolve();
  private writeError: unknown;
  /** Refuses junk records that node-forge would wait on forever. */
  private readonly screen = new RecordScreen();

  constructor(inner: Transport, config: LegacyConfig) {
    this.inner = inner;
    this.config = config;
    const certPems = config.certPems;
    const keyPem = config.keyPem;
    this.conn = forge.tls.createConnection({
      server: false,
      caStore: config.caStore ?? forge.pki.createCaStore(),
      virtualHost: parseIpAddress(config.name) ? undefined : config.name,
      verify: (_conn, verified, depth, certs) => this.verify(verified, depth, certs),
      ...(certPems && keyPem
        ? { getCertificate: () => certPems, getPrivateKey: () => keyPem }
        : {}),
      connected: (conn) => {
        this.handshakeDone = true;
        if (conn.version.minor < config.minMinor) {
          this.fail(
            new TlsError('handshake', `The server ${config.peer} chose TLS 1.0, below tls.minVersion 'TLSv1.1'`),
          );
          return;
        }
      },
      tlsDataReady: (conn) => {
        const bytes = conn.tlsData.getBytes();
        if (bytes.length > 0) this.send(binaryToBytes(bytes));
      },
      dataReady: (conn) => {
        const bytes = conn.data.getBytes();
        if (bytes.length > 0) this.plain.push(binaryToBytes(bytes));
      },
      closed: () => {
        this.peerClosed = true;
      },
      error: (_conn, ex) => {
        if ((ex as { fatal?: boolean }).fatal === false) return;
        this.failure ??= this.verifyFailure ?? forgeError(ex, !this.handshakeDone, config.peer);
      },
    });
  }

  get remoteAddress(): string | undefined {
    return this.inner.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.inner.remotePort;
  }

  /**
   * Runs the handshake to the end. Rejects with a TlsError (refused, bad certificate, the inner transport
   * failing: see boundedHandshake), a TimeoutError('tls') or an AbortError; on failure the inner transport is closed.
   */
  handshake(options: TransportOptions): Promise<void> {
    return boundedHandshake(
      options,
      async (isSettled) => {
        if (!this.guard(() => this.conn.handshake(), true)) throw this.failure;
        while (!this.handshakeDone) {
          if (this.failure) throw this.failure;
          if (this.peerClosed) throw this.closedDuringHandshake();
          const chunk = await this.inner.read();
          if (isSettled()) return;
          if (chunk === null) throw this.closedDuringHandshake();
          this.receive(chunk, true);
        }
        // The client's Finished is on its way; a write error there is a handshake failure too.
        await this.writes;
        if (this.failure || this.writeError !== undefined) throw this.failure ?? this.writeError;
      },
      (error) => {
        this.failure ??= error;
        // After a TLS failure, let the alert forge queued reach the peer first; a timeout or an abort may be
        // stuck behind a blocked write, so it closes at once.
        return this.abandon(error instanceof TlsError);
      },
    );
  }

  private closedDuringHandshake(): TlsError {
    return new TlsError('handshake', `The server ${this.config.peer} closed the connection during the TLS handshake`);
  }

  async read(): Promise<Uint8Array | null> {
    for (;;) {
      const chunk = this.plain.shift();
      if (chunk) return chunk;
      if (this.failure) throw this.failure;
      if (this.peerClosed || this.closing) return null;
      const encrypted = await this.inner.read();
      if (this.closing) return null;
      if (encrypted === null) {
        // The peer ended the TCP stream without a close_notify. HTTP framing tells whether the message was
        // complete, so this is reported as the end of the stream, like Node's own TLS does.
        this.peerClosed = true;
        continue;
      }
      this.receive(encrypted, false);
    }
  }

  /** Feeds the server's bytes to forge, once the screen has found nothing wrong in them. */
  private receive(bytes: Uint8Array, handshaking: boolean): void {
    const problem = this.screen.check(bytes);
    if (problem) {
      this.failure ??= new TlsError(
        handshaking ? 'handshake' : 'protocol',
        `The server ${this.config.peer} sent ${problem}: this is not TLS`,
      );
      return;
    }
    this.guard(() => this.conn.process(bytesToBinary(bytes)), handshaking);
  }

  /**
   * Runs a forge call; forge reports TLS failures through its error callback, but a bug or a malformed input
   * it did not anticipate may throw: that becomes a TlsError too. Returns false if it threw.
   */
  private guard(call: () => unknown, handshaking: boolean): boolean {
    try {
      call();
      return true;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.failure ??= new TlsError(
        handshaking ? 'handshake' : 'protocol',
        `node-forge failed ${handshaking ? 'during the TLS handshake' : 'on the TLS connection'} with ${this.config.peer}: ${detail}`,
        { cause: error },
      );
      return false;
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.writeError !== undefined) throw this.writeError;
    if (this.closing || this.peerClosed || !this.conn.isConnected) {
      throw new TransportError(`Cannot write to ${this.config.peer}: the TLS connection is closed`, { code: 'ERR_TRANSPORT_CLOSED' });
    }
    if (bytes.length === 0) return;
    this.guard(() => this.conn.prepare(bytesToBinary(bytes)), false);
    if (this.failure) throw this.failure;
    await this.writes;
    if (this.failure) throw this.failure;
    if (this.writeError !== undefined) throw this.writeError;
  }

  /** Sends close_notify (when the session is up), then closes the inner transport. Idempotent. */
  /** Passed on to the inner transport, which holds the runtime's handle. */
  idle(idle: boolean): void {
    this.inner.idle?.(idle);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.conn.isConnected && !this.failure) this.conn.close();
      await this.writes;
      await this.inner.close();
    })();
    return this.closing;
  }

  /** Closes without close_notify (after a failure); with `flush`, once the queued bytes (an alert) are written. */
  private abandon(flush: boolean): Promise<void> {
    this.closing ??= (async () => {
      if (flush) await this.writes;
      await this.inner.close().catch(() => undefined);
    })();
    return this.closing;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.conn.close(false);
  }

  private send(bytes: Uint8Array): void {
    this.writes = this.writes
      .then(() => (this.writeError === undefined ? this.inner.write(bytes) : undefined))
      .catch((error: unknown) => {
        this.writeError ??= error;
      });
  }

  /** forge's per-certificate verify callback: depth 0 is the server's own certificate. */
  private verify(verified: unknown, depth: number, certs: forge.pki.Certificate[]): forge.tls.Verified {
    if (!this.config.verify) return true;
    const Desc = forge.tls.Alert.Description;
    if (verified !== true) {
      this.verifyFailure ??= chainError(verified, depth, certs[depth], this.config.peer);
      const alert =
        this.verifyFailure.reason === 'untrusted' ? Desc.unknown_ca : Desc.certificate_expired;
      return { message: this.verifyFailure.message, alert };
    }
    if (depth === 0) {
      const leaf = certs[0];
      if (!leaf || !matchesHostname(leaf, this.config.name)) {
        this.verifyFailure ??= new TlsError(
          'hostname',
          `The certificate of ${this.config.peer} is not valid for the name '${this.config.name}'` +
            (leaf ? ` (it names: ${describeNames(forgeNames(leaf))})` : ''),
        );
        return { message: this.verifyFailure.message, alert: Desc.bad_certificate };
      }
    }
    return true;
  }
}

