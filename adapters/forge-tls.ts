/**
 * `ForgeTls`: a TLS client in JavaScript over ANY inner Transport (TCP, in-memory, a proxy tunnel), for
 * runtimes without TLS of their own and for byte pipes that are not sockets. It is registered under the name
 * 'forge-tls' only: never as the default for https:. docs/tls.md says what it supports and checks.
 *
 * Two engines:
 * - by default, our own TLS 1.3 / TLS 1.2 client (adapters/tls/): ECDHE over X25519, P-256 or P-384 and
 *   AES-GCM, all from WebCrypto; certificates (RSA and ECDSA) read and verified by adapters/tls/ against
 *   `tls.ca`, on the session clock, with the host name rules of RFC 6125;
 * - with `tls.minVersion` 'TLSv1' or 'TLSv1.1' only, node-forge's TLS 1.0/1.1 client, for old devices
 *   (adapters/tls/legacy-forge.ts).
 *
 * Both trust `tls.ca`; without it the TLS 1.3/1.2 engine trusts the factory's `roots` (the Node entry gives it
 * Node's root store), and with neither the factory refuses to open (adapters/tls/options.ts). `tls.rejectUnauthorized:
 * false` turns ALL certificate checks off (chain, validity and host name): the connection is then encrypted but
 * NOT authenticated.
 */
import { joinBytes } from '../lib/message/bytes';
import { AbortError, TlsError, TransportError } from '../lib/message/errors';
import { systemClock } from '../lib/transport/clock';
import type { Transport, TransportFactory, TransportOptions } from '../lib/transport/transport';
import { boundedHandshake } from './tls/bounded-handshake';
import { verifyServerCertificates } from './tls/certificate-verifier';
import { Groups, hasX25519 } from './tls/crypto';
import type { Negotiated } from './tls/handshake-context';
import { parseIpAddress } from './tls/hostname';
import { LegacyForgeTransport } from './tls/legacy-forge';
import { configure, readableRoot, type ForgeConfig, type ModernConfig } from './tls/options';
import { TlsClient } from './tls/tls-client';
import type { Certificate } from './tls/x509';

export { matchesDnsPattern, parseIpAddress } from './tls/hostname';
export { binaryToBytes, bytesToBinary, matchesHostname } from './tls/legacy-forge';

/* ------------------------------------------------------------------------------------------------------ */
/* The transport                                                                                            */
/* ------------------------------------------------------------------------------------------------------ */

/** A TLS 1.3/1.2 client session (adapters/tls/TlsClient) over an inner transport. */
class ForgeTlsTransport implements Transport {
  readonly secure = true;
  /** Each read is a freshly decrypted record. */
  readonly ownedReads = true;
  private readonly client: TlsClient;
  /** Decrypted application data not read yet. */
  private readonly plain: Uint8Array[] = [];
  /** The first fatal error; reads (after the data received before it) and writes reject with it. */
  private failure: Error | undefined;
  /** close_notify received: reads return null once `plain` is drained. */
  private peerClosed = false;
  private closing: Promise<void> | undefined;
  /** Encrypted bytes go to the inner transport one write at a time, in order. */
  private writes: Promise<void> = Promise.resolve();
  private writeError: unknown;
  /** Records produced during a `together()` step, written at its end. */
  private flight: Uint8Array[] | undefined;
  /** Application bytes returned by read() since the last write(): what a cut stream could have truncated. */
  private receivedSinceWrite = 0;

  constructor(
    private readonly inner: Transport,
    private readonly config: ModernConfig,
    options: TransportOptions,
    groups: number[],
  ) {
    const clock = options.clock ?? systemClock;
    this.client = new TlsClient({
      serverName: parseIpAddress(config.name) ? undefined : config.name,
      peer: config.peer,
      versions: config.versions,
      groups,
      alpn: ['http/1.1'],
      verifyCertificates: (ders) =>
        verifyServerCertificates(ders, { anchors: config.anchors, name: config.name, peer: config.peer, now: new Date(clock.now()), verify: config.verify }),
      send: (bytes) => this.send(bytes),
      ...(config.credentials ? { credentials: config.credentials } : {}),
    });
  }

  get remoteAddress(): string | undefined {
    return this.inner.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.inner.remotePort;
  }

  /** What the handshake negotiated (version, cipher suite, group, ALPN). */
  get negotiated(): Negotiated | undefined {
    return this.client.negotiated;
  }

  /**
   * Runs the handshake to the end. Rejects with a TlsError (refused, bad certificate, the inner transport
   * failing: see boundedHandshake), a TimeoutError('tls') or an AbortError; on failure the inner transport is closed.
   */
  handshake(options: TransportOptions): Promise<void> {
    return boundedHandshake(
      options,
      async (isSettled) => {
        await this.together(() => this.client.start());
        while (!this.client.isEstablished) {
          const chunk = await this.inner.read();
          if (isSettled()) return;
          if (chunk === null) throw new TlsError('handshake', `The server ${this.config.peer} closed the connection during the TLS handshake`);
          const received = await this.together(() => this.client.receive(chunk));
          this.plain.push(...received.data);
          if (received.closed && !this.client.isEstablished) {
            throw new TlsError('handshake', `The server ${this.config.peer} closed the TLS session during the handshake`);
          }
          if (received.closed) this.peerClosed = true;
        }
        // The client's Finished is on its way; a write error there is a handshake failure too.
        await this.writes;
        if (this.writeError !== undefined) throw this.writeError;
      },
      (error) => {
        this.failure ??= error;
        // After a TLS failure, let the alert reach the peer first; a timeout or an abort may be stuck behind a
        // blocked write, so it closes at once.
        return this.abandon(error instanceof TlsError);
      },
    );
  }

  async read(): Promise<Uint8Array | null> {
    for (;;) {
      const chunk = this.plain.shift();
      if (chunk) {
        this.receivedSinceWrite += chunk.length;
        return chunk;
      }
      if (this.failure) throw this.failure;
      if (this.peerClosed || this.closing) return null;
      const encrypted = await this.inner.read();
      if (this.closing) return null;
      if (encrypted === null) {
        // Without close_notify, the end of the stream may be an attacker cutting data short (RFC 8446 §6.1).
        // With nothing received since the last write there is nothing to cut short: a plain end, which the
        // session treats as a lost connection (and retries on a kept-alive one, as over NodeTls).
        if (this.receivedSinceWrite === 0) {
          this.peerClosed = true;
          continue;
        }
        this.failure = new TlsError(
          'protocol',
          `The server ${this.config.peer} closed the connection without a TLS close_notify: the data may be truncated`,
        );
        continue;
      }
      try {
        const received = await this.client.receive(encrypted);
        this.plain.push(...received.data);
        if (received.closed) this.peerClosed = true;
      } catch (error) {
        this.failure ??= error as Error;
        void this.abandon(true);
      }
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.writeError !== undefined) throw this.writeError;
    if (this.closing || this.peerClosed) {
      throw new TransportError(`Cannot write to ${this.config.peer}: the TLS connection is closed`, { code: 'ERR_TRANSPORT_CLOSED' });
    }
    if (bytes.length === 0) return;
    this.receivedSinceWrite = 0;
    await this.client.write(bytes);
    await this.writes;
    if (this.writeError !== undefined) throw this.writeError;
  }

  /** Sends close_notify (when the session is up), then closes the inner transport. Idempotent. */
  /** Passed on to the inner transport, which holds the runtime's handle. */
  idle(idle: boolean): void {
    this.inner.idle?.(idle);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.client.isEstablished && !this.failure) await this.client.close();
      await this.writes;
      await this.inner.close();
    })();
    return this.closing;
  }

  /** Closes without close_notify (after a failure); with `flush`, once the queued bytes (an alert) are written. */
  private abandon(flush: boolean): Promise<void> {
    this.closing ??= (async () => {
      if (flush) {
        await this.client.flush().catch(() => undefined);
        await this.writes;
      }
      await this.inner.close().catch(() => undefined);
    })();
    return this.closing;
  }

  /**
   * Runs a handshake step and writes the records it produced in one inner write: a flight (Certificate,
   * CertificateVerify, Finished) reaches the server whole, so a server that refuses its first message has
   * read the rest before it closes (and its alert, not a failed write, tells why).
   */
  private async together<T>(step: () => Promise<T>): Promise<T> {
    const records: Uint8Array[] = [];
    this.flight = records;
    try {
      return await step();
    } finally {
      this.flight = undefined;
      if (records.length > 0) this.send(joinBytes(records));
    }
  }

  private send(bytes: Uint8Array): void {
    if (this.flight) {
      this.flight.push(bytes);
      return;
    }
    this.writes = this.writes
      .then(() => (this.writeError === undefined ? this.inner.write(bytes) : undefined))
      .catch((error: unknown) => {
        this.writeError ??= error;
      });
  }
}

/** The groups offered, preferred first: X25519 where WebCrypto has it, then P-256 and P-384. */
async function offeredGroups(): Promise<number[]> {
  return (await hasX25519()) ? [Groups.x25519, Groups.secp256r1, Groups.secp384r1] : [Groups.secp256r1, Groups.secp384r1];
}

async function handshake(inner: Transport, config: ForgeConfig, options: TransportOptions): Promise<Transport> {
  if (config.engine === 'legacy') {
    const transport = new LegacyForgeTransport(inner, config);
    await transport.handshake(options);
    return transport;
  }
  const transport = new ForgeTlsTransport(inner, config, options, await offeredGroups());
  await transport.handshake(options);
  return transport;
}

/* ------------------------------------------------------------------------------------------------------ */
/* The factory                                                                                              */
/* ------------------------------------------------------------------------------------------------------ */

/** Settings of a {@link ForgeTls} factory, for every connection it opens. */
export interface ForgeTlsOptions {
  /**
   * Opens the connection TLS runs over, given the same URL (`https:` → port 443 by default). Default: NodeTcp
   * (loaded on first use, so that this module also loads in runtimes without node:net when `inner` is given).
   */
  inner?: TransportFactory;
  /**
   * The CA certificates (PEM strings) trusted when a connection gives no `tls.ca`; the Node entry passes
   * Node's root store (`tls.rootCertificates`). Without it, `tls.ca` is required. The legacy engine always
   * requires `tls.ca`.
   */
  roots?: readonly string[];
}

/**
 * TLS 1.3 and 1.2 in JavaScript and WebCrypto over any inner transport (TLS 1.0/1.1 through node-forge when
 * `tls.minVersion` asks for them). Trusts `tls.ca`, else the `roots` it was made with (Node's root store through
 * the `io-http` entry), else refuses to open; checks the chain, validity and host name itself;
 * `secure` is true. Not a default for https: — register it by name.
 */
export class ForgeTls implements TransportFactory {
  private inner: TransportFactory | undefined;
  private readonly roots: (() => Certificate[]) | undefined;

  constructor(options: ForgeTlsOptions = {}) {
    this.inner = options.inner;
    const pems = options.roots;
    if (pems) {
      // Parsed once, on first use; a root this reader cannot parse is left out rather than failing every open.
      let parsed: Certificate[] | undefined;
      this.roots = () => (parsed ??= pems.flatMap((pem) => readableRoot(pem)));
    }
  }

  /**
   * Connects through the inner factory (with `timeouts.connect`, `clock` and `signal`, without `tls`), then runs
   * the handshake (`timeouts.tls`). Option errors (missing CA, ...) are thrown before anything is opened.
   */
  async open(url: URL, options: TransportOptions = {}): Promise<Transport> {
    const config = configure(url, options, this.roots);
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
    return handshake(inner, config, options);
  }

  /**
   * Runs TLS over an already open transport (a proxy tunnel, an in-memory pipe, ...), trusting `tls.ca`, else
   * this factory's `roots`: what the session calls for a CONNECT tunnel. From this call on the inner transport
   * belongs to the result: it is closed when the result is closed, or when this fails. `url` gives the name to
   * verify and send as SNI (`tls.servername` overrides it); `timeouts.tls`, `clock` and `signal` bound the
   * handshake.
   */
  wrap(inner: Transport, url: URL | string, options: TransportOptions = {}): Promise<Transport> {
    return wrapWith(inner, url, options, this.roots);
  }

  /** `wrap` without a factory: trusts `tls.ca` only. */
  static wrap(inner: Transport, url: URL | string, options: TransportOptions = {}): Promise<Transport> {
    return wrapWith(inner, url, options, undefined);
  }
}

async function wrapWith(inner: Transport, url: URL | string, options: TransportOptions, roots: (() => Certificate[]) | undefined): Promise<Transport> {
  let config: ForgeConfig;
  try {
    config = configure(typeof url === 'string' ? new URL(url) : url, options, roots);
  } catch (error) {
    await inner.close().catch(() => undefined);
    throw error;
  }
  return handshake(inner, config, options);
}
