import type { Clock } from './clock';

/**
 * A byte stream to one peer. The session drives protocols over it; adapters implement it for a runtime.
 * Calls are not concurrent: the session awaits each before the next of the same kind.
 */
export interface Transport {
  /**
   * The next bytes from the peer, or `null` once the peer has closed. Unless `ownedReads` is true, the transport
   * may reuse the memory of what it returned (reading into one buffer, as `conn.read(buf)` does in Deno): the
   * session then copies each read once, where it opens the transport (see `withOwnedReads`). Either way the bytes
   * the protocol gets are its own: it may move bytes within them (a chunked body's framing is removed in place).
   */
  read(): Promise<Uint8Array | null>;
  /**
   * True when the bytes of every `read()` belong to the caller from then on: the transport never writes to their
   * memory again (each chunk is fresh, as a Node socket's 'data' chunks and a ReadableStream's chunks are). The
   * session reads such a transport without copying.
   */
  readonly ownedReads?: boolean;
  /**
   * Resolves once the bytes are handed to the runtime (honouring its backpressure). The transport may keep a
   * reference to them until they are sent, so the caller must not change them afterwards (io-http never does).
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the stream; safe to call more than once. */
  close(): Promise<void>;
  /**
   * Optional: the session says the transport is idle (kept for a next request, nothing in flight) or in use again.
   * A transport on a runtime whose event loop waits for open handles lets an idle one not hold the process (Node's
   * `unref`), so a script that did not close its session ends once its last request is done, as with undici.
   */
  idle?(idle: boolean): void;
  /** True when the bytes are protected by TLS. */
  readonly secure: boolean;
  /** The peer's address and port, when the transport knows them. */
  readonly remoteAddress?: string;
  /** The peer's TCP port, when the transport knows it. */
  readonly remotePort?: number;
}

/** TLS settings, for the adapters that speak TLS. PEM strings or DER/PEM bytes. */
export interface TlsOptions {
  /** The CA certificates to trust; they replace the runtime's bundled roots (leave it out to use those). */
  ca?: string | Uint8Array | Array<string | Uint8Array>;
  /** A client certificate (or its chain) to send, for servers that require one (mutual TLS). */
  cert?: string | Uint8Array;
  /** The private key of `cert`, unencrypted. */
  key?: string | Uint8Array;
  /** The SNI and verification name; defaults to the URL host. */
  servername?: string;
  /** Verify the peer's certificate chain and name (default true). */
  rejectUnauthorized?: boolean;
  /** Lowest TLS version accepted (default 'TLSv1.2' for NodeTls). */
  minVersion?: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
}

/** What a factory is told when opening a transport. */
export interface TransportOptions {
  /** TLS settings, for factories that speak TLS; others ignore them. */
  tls?: TlsOptions;
  /** Connect and TLS handshake timeouts in milliseconds; a TimeoutError names the phase. */
  timeouts?: {
    /** Bounds opening the connection, in ms (TimeoutError with phase `'connect'`); none when left out. */
    connect?: number;
    /** Bounds the TLS handshake, in ms (TimeoutError with phase `'tls'`); none when left out. */
    tls?: number;
  };
  /** Timers for the timeouts above. */
  clock?: Clock;
  /** Aborting it cancels the open and rejects with an AbortError. */
  signal?: AbortSignal;
}

/** Opens transports for URLs. */
export interface TransportFactory {
  /**
   * Opens a transport to the host and port of `url`. Rejects with a TransportError (refused, DNS, unreachable,
   * ...), a TlsError, a TimeoutError for `timeouts`, or an AbortError when `signal` aborts.
   */
  open(url: URL, options: TransportOptions): Promise<Transport>;
  /**
   * Optional, for TLS factories: runs the factory's protocol over an already open transport (a proxy's CONNECT
   * tunnel) instead of opening a connection of its own. `url` names the peer (SNI, the name to verify);
   * `timeouts.tls`, `clock` and `signal` bound the handshake. From the call on, `inner` belongs to the result:
   * it is closed with it, or when the wrap fails.
   */
  wrap?(inner: Transport, url: URL, options: TransportOptions): Promise<Transport>;
}
