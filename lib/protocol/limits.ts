/** The bounds on what a peer can make a parser hold. Every buffer has one. */
export interface HttpLimits {
  /** Bytes of a response head (status line and fields), and of a trailer section. Default 16 KiB. */
  maxHeadSize: number;
  /** Field lines in a head or trailer section. Default 100. */
  maxHeaders: number;
  /** Bytes of a chunk-size line, extensions included. Default 4 KiB. */
  maxChunkLineSize: number;
  /** Bytes of a response body; unlimited by default. */
  maxBodySize: number;
  /** 1xx responses before the final one. Default 20. */
  maxInterimResponses: number;
}

/** The limits a protocol applies when none are given (frozen: a change here would change every later protocol). */
export const defaultLimits: Readonly<HttpLimits> = Object.freeze({
  maxHeadSize: 16 * 1024,
  maxHeaders: 100,
  maxChunkLineSize: 4 * 1024,
  maxBodySize: Infinity,
  maxInterimResponses: 20,
});

/**
 * Named leniencies: each accepts a kind of input the RFCs forbid a sender to send. All off by default except
 * `allowObsFold`, which RFC 9112 §5.2 requires of a user agent (docs/conformance.md).
 */
export interface Leniency {
  /** Accept a bare LF as a line end (RFC 9112 §2.2 allows it; io-http is strict by default). */
  allowBareLf: boolean;
  /**
   * Accept obs-fold continuation lines, unfolding each into one space. On by default: a user agent MUST replace
   * each obs-fold in a response with SP (RFC 9112 §5.2). `false` refuses them with a ParseError.
   */
  allowObsFold: boolean;
  /**
   * Accept Transfer-Encoding together with Content-Length: the message is read as chunked and the connection
   * is not reused (RFC 9112 §6.3 rule 3). Off, the pair is a ParseError.
   */
  allowTransferEncodingWithContentLength: boolean;
}

/** Every leniency off: only what the grammar allows. */
export const strict: Readonly<Leniency> = Object.freeze({
  allowBareLf: false,
  allowObsFold: false,
  allowTransferEncodingWithContentLength: false,
});

/** What a protocol accepts when no leniency is named: strict, but obs-fold unfolded as RFC 9112 §5.2 requires. */
export const defaultLeniency: Readonly<Leniency> = Object.freeze({
  allowBareLf: false,
  allowObsFold: true,
  allowTransferEncodingWithContentLength: false,
});

/** The limits in `options`, defaults for the rest: a fixed-shape object (no spreads on the hot path). */
export function resolveLimits(options: Partial<HttpLimits>): HttpLimits {
  return {
    maxHeadSize: options.maxHeadSize ?? defaultLimits.maxHeadSize,
    maxHeaders: options.maxHeaders ?? defaultLimits.maxHeaders,
    maxChunkLineSize: options.maxChunkLineSize ?? defaultLimits.maxChunkLineSize,
    maxBodySize: options.maxBodySize ?? defaultLimits.maxBodySize,
    maxInterimResponses: options.maxInterimResponses ?? defaultLimits.maxInterimResponses,
  };
}

/** The leniencies named in `options`; defaults for the rest. */
export function resolveLeniency(options: Partial<Leniency>): Leniency {
  return {
    allowBareLf: options.allowBareLf ?? defaultLeniency.allowBareLf,
    allowObsFold: options.allowObsFold ?? defaultLeniency.allowObsFold,
    allowTransferEncodingWithContentLength: options.allowTransferEncodingWithContentLength ?? defaultLeniency.allowTransferEncodingWithContentLength,
  };
}
