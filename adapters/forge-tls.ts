/**
 * `ForgeTls`: a TLS client written in pure JavaScript (node-forge), running over ANY inner Transport (TCP,
 * in-memory, a proxy tunnel). Use it where the runtime has no TLS of its own, against legacy or embedded
 * servers, and in tests. It is registered under the name 'forge-tls' only: never as the default for https:.
 *
 * What node-forge can and cannot do (read docs/tls.md before choosing this adapter):
 * - TLS 1.0 and 1.1 only (no TLS 1.2 or 1.3), RSA key exchange only (no ECDHE, so no forward secrecy), and
 *   AES-CBC with HMAC-SHA1 only (TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA; no AEAD).
 *   Modern public HTTPS servers refuse all of that; OpenSSL 3 servers need `@SECLEVEL=0` to accept it.
 * - RSA certificates only: forge cannot parse certificates with EC or Ed25519 keys.
 * - It does not check host names and has no system trust store. So this adapter REQUIRES `tls.ca` (the
 *   certificates to trust), checks the chain against them (validity window, signatures, CA flags), and checks
 *   the host name itself (`matchesHostname`, RFC 6125 rules).
 * - `tls.rejectUnauthorized: false` turns ALL of these checks off (chain, validity and host name): the
 *   connection is then encrypted but NOT authenticated, and anyone on the path can read and change it.
 *   Only then may `tls.ca` be left out.
 */
import forge from 'node-forge';
import { AbortError, TimeoutError, TlsError, TransportError, UsageError, type TlsFailure } from '../lib/message/errors';
import { systemClock } from '../lib/session/clock';
import type { TlsOptions, Transport, TransportFactory, TransportOptions } from '../lib/session/transport';
import { RecordScreen } from './tls/record-screen';

/* ------------------------------------------------------------------------------------------------------ */
/* Host names                                                                                               */
/* ------------------------------------------------------------------------------------------------------ */

/** The address bytes of an IPv4 (4 bytes) or IPv6 (16 bytes) literal, or null when `text` is not one. */
export function parseIpAddress(text: string): Uint8Array | null {
  let host = text;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const v4 = parseIpv4(host);
  if (v4) return v4;
  return host.includes(':') ? parseIpv6(host) : null;
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    // Decimal only, no leading zeros ('010' would be octal to some parsers).
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes[i] = value;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | null {
  const zone = text.indexOf('%');
  const host = zone >= 0 ? text.slice(0, zone) : text;
  const halves = host.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
        out.push(parseInt(part, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  if (halves.length === 2 ? head.length + tail.length > 7 : head.length !== 8) return null;
  const all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

/** Lower case, without IPv6 brackets and without one trailing dot ('Example.COM.' → 'example.com'). */
function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/**
 * Whether a certificate DNS name (`pattern`, from a SAN dNSName or a CN) matches `host`, by RFC 6125 rules:
 * case-insensitive; a trailing dot is ignored; a wildcard is allowed only as the WHOLE left-most label and
 * stands for exactly one non-empty label (`*.example.com` matches `a.example.com`, not `example.com` nor
 * `a.b.example.com`); partial-label wildcards (`f*o.example.com`, `*o.example.com`), wildcards in other labels
 * and wildcards over fewer than two labels (`*.com`) never match; IP address hosts never match a DNS name.
 */
export function matchesDnsPattern(pattern: string, host: string): boolean {
  const p = normaliseHost(pattern);
  const h = normaliseHost(host);
  if (p === '' || h === '' || parseIpAddress(h)) return false;
  // Names in certificates and URL hosts are ASCII (IDNs appear as xn-- A-labels).
  if (!/^[\x21-\x7e]+$/.test(p) || !/^[\x21-\x7e]+$/.test(h)) return false;
  const patternLabels = p.split('.');
  const hostLabels = h.split('.');
  if (patternLabels.some((label) => label === '') || hostLabels.some((label) => label === '')) return false;
  if (!p.includes('*')) return p === h;
  if (patternLabels[0] !== '*' || patternLabels.slice(1).some((label) => label.includes('*'))) return false;
  if (patternLabels.length < 3) return false;
  if (hostLabels.length !== patternLabels.length) return false;
  return hostLabels.slice(1).join('.') === patternLabels.slice(1).join('.');
}

interface AltName {
  type: number;
  value: string;
  ip?: string;
}

/**
 * Whether the certificate is valid for `host` (a DNS name or an IPv4/IPv6 literal, brackets allowed):
 * - an IP host matches only SAN iPAddress entries, compared byte by byte (so '::1' equals '0:0:0:0:0:0:0:1');
 * - a DNS host matches SAN dNSName entries with `matchesDnsPattern` (wildcards only as the whole left-most label);
 * - the subject common name (CN) is looked at only when the certificate has NO subjectAltName extension at all
 *   (the modern rule: once a certificate lists SANs, its CN is ignored), and never for IP hosts.
 */
export function matchesHostname(cert: forge.pki.Certificate, host: string): boolean {
  const name = normaliseHost(host);
  const san = cert.getExtension('subjectAltName') as { altNames?: AltName[] } | null | undefined;
  const altNames = san?.altNames ?? [];
  const ip = parseIpAddress(name);
  if (ip) {
    return altNames.some((alt) => alt.type === 7 && sameBytes(altNameIp(alt), ip));
  }
  if (san) return altNames.some((alt) => alt.type === 2 && typeof alt.value === 'string' && matchesDnsPattern(alt.value, name));
  const cn = cert.subject.getField('CN') as { value?: unknown } | null;
  return typeof cn?.value === 'string' && matchesDnsPattern(cn.value, name);
}

/** A SAN iPAddress entry's bytes: `value` as parsed from DER, or `ip` text on a certificate built in memory. */
function altNameIp(alt: AltName): Uint8Array {
  if (typeof alt.value === 'string' && (alt.value.length === 4 || alt.value.length === 16)) return binaryToBytes(alt.value);
  return (typeof alt.ip === 'string' ? parseIpAddress(alt.ip) : null) ?? new Uint8Array(0);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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
/* Options                                                                                                  */
/* ------------------------------------------------------------------------------------------------------ */

type PemOrBytes = string | Uint8Array;

/** PEM text, or bytes that are either PEM text or DER. */
function asPemOrDer(value: PemOrBytes): { pem: string } | { der: string } {
  if (typeof value === 'string') return { pem: value };
  const binary = bytesToBinary(value);
  return binary.includes('-----BEGIN') ? { pem: binary } : { der: binary };
}

function parseCertificates(value: PemOrBytes, what: string): forge.pki.Certificate[] {
  const source = asPemOrDer(value);
  const certs: forge.pki.Certificate[] = [];
  try {
    const ders =
      'der' in source
        ? [source.der]
        : forge.pem
            .decode(source.pem)
            .filter((message) => /CERTIFICATE$/.test(message.type))
            .map((message) => message.body);
    for (const der of ders) certs.push(forge.pki.certificateFromAsn1(forge.asn1.fromDer(der)));
  } catch (error) {
    throw new UsageError(
      `ForgeTls cannot read ${what}: ${(error as Error).message} (it takes PEM or DER certificates, and node-forge ` +
        'reads only certificates with RSA keys)',
      'ERR_TLS_BAD_CERTIFICATE',
    );
  }
  return certs;
}

function certificatePems(value: PemOrBytes): string[] {
  return parseCertificates(value, 'tls.cert').map((cert) => forge.pki.certificateToPem(cert));
}

function privateKeyPem(value: PemOrBytes): string {
  const source = asPemOrDer(value);
  try {
    const key = 'pem' in source ? forge.pki.privateKeyFromPem(source.pem) : forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(source.der));
    return forge.pki.privateKeyToPem(key);
  } catch (error) {
    throw new UsageError(
      `ForgeTls cannot read tls.key: ${(error as Error).message} (node-forge reads only unencrypted RSA keys)`,
      'ERR_TLS_BAD_KEY',
    );
  }
}

/** What the handshake needs, checked before any byte is sent. */
interface ForgeConfig {
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

function configure(url: URL, options: TransportOptions): ForgeConfig {
  const tls: TlsOptions = options.tls ?? {};
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port || (url.protocol === 'https:' ? '443' : '');
  const peer = `${host.includes(':') ? `[${host}]` : host}${port ? `:${port}` : ''}`;
  const verify = tls.rejectUnauthorized !== false;

  if (tls.minVersion === 'TLSv1.2' || tls.minVersion === 'TLSv1.3') {
    throw new UsageError(
      `ForgeTls cannot satisfy tls.minVersion '${tls.minVersion}': node-forge speaks only TLS 1.0 and 1.1. ` +
        'Use NodeTls (or another TLS adapter of the runtime) for servers that require TLS 1.2 or later',
      'ERR_TLS_VERSION',
    );
  }

  const caList = tls.ca === undefined ? [] : Array.isArray(tls.ca) ? tls.ca : [tls.ca];
  let caStore: forge.pki.CAStore | undefined;
  if (caList.length > 0) {
    const cas = caList.flatMap((ca, i) => parseCertificates(ca, `tls.ca[${i}]`));
    if (cas.length === 0) {
      throw new UsageError('ForgeTls found no certificate in tls.ca (expected PEM "CERTIFICATE" blocks or DER)', 'ERR_TLS_CA_REQUIRED');
    }
    caStore = forge.pki.createCaStore(cas);
  } else if (verify) {
    throw new UsageError(
      'ForgeTls needs tls.ca: node-forge has no access to a system trust store, so it can only trust the CA ' +
        'certificates you pass. (tls.rejectUnauthorized: false would skip all certificate checks instead: unsafe)',
      'ERR_TLS_CA_REQUIRED',
    );
  }

  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new UsageError('ForgeTls needs both tls.cert and tls.key for a client certificate, or neither');
  }

  return {
    name: normaliseHost(tls.servername ?? host),
    peer,
    verify,
    caStore,
    certPems: tls.cert === undefined ? undefined : certificatePems(tls.cert),
    keyPem: tls.key === undefined ? undefined : privateKeyPem(tls.key),
    minMinor: tls.minVersion === 'TLSv1.1' ? 2 : 1,
  };
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

/** A forge TLS client session over an inner transport. Created by `ForgeTls.open` / `ForgeTls.wrap`. */
class ForgeTlsTransport implements Transport {
  readonly secure = true;
  private readonly inner: Transport;
  private readonly config: ForgeConfig;
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
  private onConnected: (() => void) | undefined;
  /** Refuses junk records that node-forge would wait on forever. */
  private readonly screen = new RecordScreen();

  constructor(inner: Transport, config: ForgeConfig) {
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
        this.onConnected?.();
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
   * Runs the handshake to the end. Rejects with a TlsError (refused, bad certificate, ...), the inner
   * transport's error, a TimeoutError('tls') or an AbortError; on failure the inner transport is closed.
   */
  handshake(options: TransportOptions): Promise<void> {
    const clock = options.clock ?? systemClock;
    const signal = options.signal;
    const ms = options.timeouts?.tls;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let timer: unknown;
      const settle = (error?: Error): void => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.onConnected = undefined;
        if (error) {
          this.failure ??= error;
          // After a TLS failure, let the alert forge queued reach the peer first; a timeout or an abort may be
          // stuck behind a blocked write, so it closes at once.
          const flush = error instanceof TlsError;
          void this.abandon(flush).then(() => reject(error));
        } else {
          resolve();
        }
      };
      const onAbort = (): void => settle(new AbortError(signal?.reason));
      if (signal?.aborted) return settle(new AbortError(signal.reason));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (ms !== undefined && Number.isFinite(ms) && ms >= 0) {
        timer = clock.setTimeout(() => settle(new TimeoutError('tls', ms)), ms);
      }
      this.onConnected = () => settle();

      void (async () => {
        if (!this.guard(() => this.conn.handshake(), true)) return settle(this.failure);
        while (!settled) {
          if (this.failure) return settle(this.failure);
          if (this.handshakeDone) {
            // connected() has run (and settled, unless it found a failure).
            return settle(this.failure);
          }
          if (this.peerClosed) {
            return settle(new TlsError('handshake', `The server ${this.config.peer} closed the connection during the TLS handshake`));
          }
          let chunk: Uint8Array | null;
          try {
            chunk = await this.inner.read();
          } catch (error) {
            return settle(error as Error);
          }
          if (settled) return;
          if (chunk === null) {
            return settle(new TlsError('handshake', `The server ${this.config.peer} closed the connection during the TLS handshake`));
          }
          this.receive(chunk, true);
        }
      })();
    }).then(async () => {
      // The client's Finished is on its way; a write error there is a handshake failure too.
      await this.writes;
      if (this.writeError !== undefined || this.failure) {
        const error = this.failure ?? this.writeError;
        await this.abandon(true);
        throw error;
      }
    });
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
            (leaf ? ` (it names: ${certificateNames(leaf)})` : ''),
        );
        return { message: this.verifyFailure.message, alert: Desc.bad_certificate };
      }
    }
    return true;
  }
}

/** The names a certificate is valid for, for messages: SAN DNS and IP entries, else the CN. */
function certificateNames(cert: forge.pki.Certificate): string {
  const san = cert.getExtension('subjectAltName') as { altNames?: AltName[] } | null | undefined;
  const names = (san?.altNames ?? [])
    .map((alt) => (alt.type === 2 ? alt.value : alt.type === 7 ? (alt.ip ?? '?') : undefined))
    .filter((name): name is string => name !== undefined);
  if (names.length > 0) return names.join(', ');
  const cn = cert.subject.getField('CN') as { value?: string } | null;
  return cn?.value ? `CN=${cn.value}` : 'no names';
}

/* ------------------------------------------------------------------------------------------------------ */
/* The factory                                                                                              */
/* ------------------------------------------------------------------------------------------------------ */

export interface ForgeTlsOptions {
  /**
   * Opens the connection TLS runs over, given the same URL (`https:` → port 443 by default). Default: NodeTcp
   * (loaded on first use, so that this module also loads in runtimes without node:net when `inner` is given).
   */
  inner?: TransportFactory;
}

/**
 * TLS 1.0/1.1 in pure JavaScript over any inner transport. Requires `tls.ca`; checks the chain, validity and
 * host name itself (see `matchesHostname`); `secure` is true. Not a default for https: — register it by name.
 */
export class ForgeTls implements TransportFactory {
  private inner: TransportFactory | undefined;

  constructor(options: ForgeTlsOptions = {}) {
    this.inner = options.inner;
  }

  /**
   * Connects through the inner factory (with `timeouts.connect`, `clock` and `signal`, without `tls`), then runs
   * the handshake (`timeouts.tls`). Option errors (missing CA, ...) are thrown before anything is opened.
   */
  async open(url: URL, options: TransportOptions = {}): Promise<Transport> {
    const config = configure(url, options);
    if (options.signal?.aborted) throw new AbortError(options.signal.reason);
    if (!this.inner) {
      const { NodeTcp } = await import('./node-tcp');
      this.inner ??= new NodeTcp();
    }
    const innerOptions: TransportOptions = {};
    if (options.clock) innerOptions.clock = options.clock;
    if (options.signal) innerOptions.signal = options.signal;
    if (options.timeouts?.connect !== undefined) innerOptions.timeouts = { connect: options.timeouts.connect };
    const inner = await this.inner.open(url, innerOptions);
    const transport = new ForgeTlsTransport(inner, config);
    await transport.handshake(options);
    return transport;
  }

  /**
   * Runs TLS over an already open transport (a proxy tunnel, an in-memory pipe, ...). From this call on the
   * inner transport belongs to the result: it is closed when the result is closed, or when this fails.
   * `url` gives the name to verify and send as SNI (`tls.servername` overrides it); `timeouts.tls`, `clock`
   * and `signal` bound the handshake.
   */
  static async wrap(inner: Transport, url: URL | string, options: TransportOptions = {}): Promise<Transport> {
    let config: ForgeConfig;
    try {
      config = configure(typeof url === 'string' ? new URL(url) : url, options);
    } catch (error) {
      await inner.close().catch(() => undefined);
      throw error;
    }
    const transport = new ForgeTlsTransport(inner, config);
    await transport.handshake(options);
    return transport;
  }
}
