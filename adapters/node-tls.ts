/**
 * `NodeTls`: https: for Node, with `node:tls` (OpenSSL). Certificates and host names are verified by default;
 * a refused certificate becomes a `TlsError` whose `reason` says why ('expired', 'not-yet-valid', 'untrusted',
 * 'hostname'); any other handshake failure is reason 'handshake'. See docs/tls.md.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { AbortError, TlsError, type TlsFailure } from '../lib/message/errors';
import { systemClock } from '../lib/transport/clock';
import type { Transport, TransportFactory, TransportOptions } from '../lib/transport/transport';
import { peerName } from '../lib/transport/runtime-errors';
import { SocketTransport, stripBrackets, whenOpen } from './node-socket';
import { TransportDuplex } from './transport-duplex';

/** Options of `NodeTls`. */
export interface NodeTlsOptions {
  /** Passed to `SocketTransport`: unread bytes queued before the socket is paused. */
  readHighWaterMark?: number;
}

/** OpenSSL certificate verification codes (as Node reports them in `error.code`) → TlsError reason. */
const CERT_REASONS: Record<string, TlsFailure> = {
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'untrusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted',
  CERT_UNTRUSTED: 'untrusted',
  CERT_SIGNATURE_FAILURE: 'untrusted',
  INVALID_CA: 'untrusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname',
};

/** A Node TLS error (raised after the TCP connection was made) as a TlsError with a plain-words message. */
export function toTlsError(error: unknown, peer: string, name: string): TlsError {
  const e = error as { code?: unknown; message?: unknown; reason?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  // OpenSSL errors carry a short `reason` ('sslv3 alert handshake failure'); their message is a raw error line.
  // (Checked by shape, not instanceof: errors can come from another realm, e.g. under jest.)
  const detail =
    typeof e?.reason === 'string' && e.reason !== ''
      ? e.reason
      : typeof e?.message === 'string'
        ? e.message
        : String(error);
  const reason: TlsFailure = CERT_REASONS[code] ?? 'handshake';
  let message: string;
  switch (reason) {
    case 'expired':
      message = `The TLS certificate of ${peer} has expired`;
      break;
    case 'not-yet-valid':
      message = `The TLS certificate of ${peer} is not valid yet`;
      break;
    case 'untrusted':
      message = `The TLS certificate of ${peer} is not signed by a trusted certificate authority (pass the issuing CA in tls.ca)`;
      break;
    case 'hostname':
      message = `The TLS certificate of ${peer} is not valid for the name '${name}'`;
      break;
    default:
      message =
        code === 'ECONNRESET' || code === 'EPIPE'
          ? `The connection to ${peer} was closed during the TLS handshake`
          : `The TLS handshake with ${peer} failed`;
  }
  return new TlsError(reason, `${message}: ${detail}${code && !detail.includes(code) ? ` (${code})` : ''}`, { cause: error });
}

/**
 * TLS over TCP with node:tls.
 *
 * - SNI: `tls.servername`, else the URL host — not sent for IP addresses (TLS forbids IP literals in SNI).
 * - The certificate must chain to a trusted CA (Node's bundled roots, or `tls.ca` instead of them) and be valid
 *   for `tls.servername` or the URL host (DNS names or IP SANs), unless `tls.rejectUnauthorized` is false.
 * - `tls.cert` / `tls.key`: a client certificate. ALPN offers 'http/1.1'. `tls.minVersion` defaults to TLSv1.2.
 * - `timeouts.connect` bounds the TCP connect, `timeouts.tls` the handshake after it (TimeoutError 'connect' or
 *   'tls'); both use `clock`. `signal` aborts the open (AbortError).
 */
export class NodeTls implements TransportFactory {
  private readonly options: NodeTlsOptions;

  constructor(options: NodeTlsOptions = {}) {
    this.options = options;
  }

  /**
   * Connects to `url.hostname` and `url.port` (default 443). As with NodeTcp, the connect timer and the abort
   * listener are armed before this returns; the handshake timer is armed when the TCP connection is made.
   */
  open(url: URL, options: TransportOptions = {}): Promise<Transport> {
    const host = stripBrackets(url.hostname);
    const port = url.port ? Number(url.port) : 443;
    return this.connect(url, { host, port }, peerName(host, port), options);
  }

  /**
   * TLS over an already open transport (a proxy's CONNECT tunnel), through a Duplex over it: the same checks
   * as `open`; the handshake is bounded by `timeouts.tls`. `inner` is closed with the result, or on failure.
   */
  wrap(inner: Transport, url: URL, options: TransportOptions = {}): Promise<Transport> {
    const host = stripBrackets(url.hostname);
    const peer = peerName(host, url.port ? Number(url.port) : 443);
    return this.connect(url, { socket: new TransportDuplex(inner) }, peer, options);
  }

  private connect(url: URL, target: Pick<tls.ConnectionOptions, 'host' | 'port' | 'socket'>, peer: string, options: TransportOptions): Promise<Transport> {
    const tlsOptions = options.tls ?? {};
    const name = stripBrackets(tlsOptions.servername ?? url.hostname);
    const signal = options.signal;
    if (signal?.aborted) {
      if (target.socket) target.socket.destroy();
      return Promise.reject(new AbortError(signal.reason));
    }
    const clock = options.clock ?? systemClock;
    const socket = tls.connect({
      ...target,
      servername: net.isIP(name) ? undefined : name,
      ca: tlsOptions.ca as tls.ConnectionOptions['ca'],
      cert: tlsOptions.cert as tls.ConnectionOptions['cert'],
      key: tlsOptions.key as tls.ConnectionOptions['key'],
      rejectUnauthorized: tlsOptions.rejectUnauthorized !== false,
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert),
      ALPNProtocols: ['http/1.1'],
      minVersion: tlsOptions.minVersion ?? 'TLSv1.2',
    });
    return whenOpen(socket, {
      peer,
      clock,
      signal,
      connectMs: options.timeouts?.connect,
      connected: target.socket !== undefined,
      tls: { ms: options.timeouts?.tls, toError: (error) => toTlsError(error, peer, name) },
    }).then(() => new SocketTransport(socket, true, { readHighWaterMark: this.options.readHighWaterMark, peer }));
  }
}
