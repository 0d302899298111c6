/**
 * The known, documented disagreements between io-http and llhttp: the allow-list of the differential test.
 * Each is a row of the table in docs/conformance.md (the test checks that every id is there). `explains` says
 * whether one disagreeing case belongs to the class: from the input and both verdicts, never from io-http's
 * code alone, so that a new way to disagree is not swallowed by an old class.
 */
import type { Http1Options } from '../../lib/protocol/http1-protocol';
import { bytesOf } from '../support/bytes';
import { ioHttpVerdict } from './io-http';
import { llhttpVerdict } from './llhttp';
import { differences, type Accepted, type Rejected, type Verdict } from './verdict';

export interface Case {
  /** The stream as a byte string. */
  input: string;
  method: string;
  io: Verdict;
  ll: Verdict;
  /** What differs (`differences(io, ll)`). */
  diff: string[];
}

export interface Disagreement {
  id: string;
  /** `applied`: the classes whose leniency counterfactual is already applied (each is tried once). */
  explains(c: Case, applied: ReadonlySet<string>): boolean;
}

const ioAccepts = (c: Case): c is Case & { io: Accepted; ll: Rejected } => c.io.accepted && !c.ll.accepted;
const llAccepts = (c: Case): c is Case & { io: Rejected; ll: Accepted } => !c.io.accepted && c.ll.accepted;
const only = (c: Case, field: string) => c.diff.length === 1 && c.diff[0] === field;
const values = (headers: Array<[string, string]>, name: string) => headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A list field value with a `close` element. */
const CLOSE = /(^|,)[ \t]*close[ \t]*(,|$)/i;

/** Every status line in the stream a parser could have read (after a line end, and any CRs), up to the next LF. */
const statusLines = (input: string) => input.match(/(?:^|\n)\r*HTTP\/[^\n]*/g) ?? [];

export const disagreements: Disagreement[] = [
  {
    // RFC 9112 §5.2: a user agent MUST replace each obs-fold in a response with SP; llhttp refuses them.
    // Precise: io-http with allowObsFold: false must then agree with llhttp (or differ only in other classes).
    id: 'obs-fold',
    explains: (c, applied) => ioAccepts(c) && /\n[ \t]/.test(c.input) && explainedWith(c, applied, 'obs-fold'),
  },
  {
    // RFC 9112 §2.2: a recipient MAY take a bare LF as a line end; io-http does so only with allowBareLf. llhttp
    // skips bare LFs before the status line. Precise: io-http with allowBareLf must then agree with llhttp (or
    // differ only in other classes).
    id: 'bare-lf',
    explains: (c, applied) => llAccepts(c) && c.io.error === 'ERR_INVALID_LINE_END' && explainedWith(c, applied, 'bare-lf'),
  },
  {
    // RFC 9110 §2.5: a higher minor version is read as the highest one implemented; llhttp refuses 1.2–1.9.
    id: 'minor-version',
    explains: (c) => ioAccepts(c) && c.ll.error === 'HPE_INVALID_VERSION' && statusLines(c.input).some((l) => /^\n?HTTP\/1\.[2-9] /.test(l)),
  },
  {
    // io-http speaks HTTP/1.x only; llhttp takes any single-digit major version (0.9, 2.0, …).
    id: 'other-major-version',
    explains: (c) => llAccepts(c) && c.io.error === 'ERR_INVALID_STATUS_LINE' && statusLines(c.input).some((l) => /^\n?HTTP\/(?!1\.)\d\.\d /.test(l)),
  },
  {
    // RFC 9110 §15: a status code's first digit is its class, 1 to 5; io-http takes 100–999 and refuses the
    // rest. llhttp takes any three digits.
    id: 'status-below-100',
    explains: (c) => llAccepts(c) && c.io.error === 'ERR_INVALID_STATUS_LINE' && statusLines(c.input).some((l) => /^\n?HTTP\/\d\.\d 0\d\d/.test(l)),
  },
  {
    // RFC 9112 §4: the reason is informational, but a NUL in it is refused (docs/conformance.md).
    id: 'reason-nul',
    explains: (c) => llAccepts(c) && c.io.error === 'ERR_INVALID_STATUS_LINE' && statusLines(c.input).some((l) => l.includes('\0')),
  },
  {
    // RFC 9110 §8.6: identical repeated values may be taken as one; OWS around a value is not part of it
    // (RFC 9112 §5). llhttp refuses both. Every value io-http took must be the same number of digits.
    id: 'content-length-repeated-or-ows',
    explains: (c) => {
      if (!ioAccepts(c) || !/^HPE_(INVALID|UNEXPECTED)_CONTENT_LENGTH$/.test(c.ll.error)) return false;
      const parts = values(c.io.headers, 'content-length').flatMap((v) => v.split(',').map((p) => p.replace(/^[ \t]+|[ \t]+$/g, '')));
      return parts.length > 0 && parts.every((p) => /^\d+$/.test(p) && Number(p) === Number(parts[0]));
    },
  },
  {
    // RFC 9112 §6.3 rule 1: a response to HEAD, and a 1xx, 204 or 304, ends at its head "regardless of the
    // header fields present". io-http does not read framing fields there; llhttp checks them.
    id: 'bodiless-framing-fields',
    explains: (c) =>
      ioAccepts(c) &&
      /^HPE_(INVALID|UNEXPECTED)_(CONTENT_LENGTH|TRANSFER_ENCODING)$/.test(c.ll.error) &&
      (c.method === 'HEAD' || c.io.status === 204 || c.io.status === 304 || /(?:^|\n)HTTP\/1\.\d 1\d\d[^\n]*\n(?:[^\r\n]+\r\n)*?(?:content-length|transfer-encoding):/i.test(c.input)),
  },
  {
    // RFC 9112 §6.3 rule 1: a response to HEAD has no body, so it never needs the close to end it; llhttp
    // (which is not told the method) says not to reuse the connection when the head has no framing.
    id: 'head-response-keep-alive',
    explains: (c) =>
      c.method === 'HEAD' && only(c, 'keepAlive') && c.io.accepted && c.io.keepAlive && !values(c.io.headers, 'connection').some((v) => CLOSE.test(v)),
  },
  {
    // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing; the connection MUST be
    // closed after it. llhttp reuses it when it says keep-alive.
    id: 'http10-transfer-encoding-close',
    explains: (c) =>
      only(c, 'keepAlive') && c.io.accepted && !c.io.keepAlive && c.io.version === '1.0' && values(c.io.headers, 'transfer-encoding').length > 0,
  },
  {
    // RFC 9112 §6.1 and §7: chunked applied twice, chunked with parameters, or a coding that is not a token.
    // io-http refuses the framing; llhttp decodes once or reads to close.
    id: 'transfer-encoding-invalid',
    explains: (c) => {
      if (!llAccepts(c) || c.io.error !== 'ERR_INVALID_TRANSFER_ENCODING') return false;
      const codings = values(c.ll.headers, 'transfer-encoding').flatMap((v) => v.split(',').map((p) => p.replace(/^[ \t]+|[ \t]+$/g, ''))).filter((p) => p !== '');
      const chunked = codings.filter((p) => p.toLowerCase() === 'chunked').length;
      return chunked > 1 || codings.some((p) => /^chunked[ \t]*;/i.test(p) || !TOKEN.test(p.split(';')[0].replace(/[ \t]+$/, '')));
    },
  },
  {
    // RFC 9112 §7.1.1 allows BWS around ';' and '=' in chunk extensions, and io-http also takes whitespace before
    // the CRLF of a size line (as h11 does); llhttp refuses whitespace anywhere in it. Precise: with the
    // whitespace of the size lines taken out, the two must agree.
    id: 'chunk-line-whitespace',
    explains: (c) => {
      if (!ioAccepts(c) || !/^HPE_(INVALID_CHUNK_SIZE|STRICT)$/.test(c.ll.error)) return false;
      const stripped = c.input.replace(/(^|\n)([0-9a-fA-F]+[ \t;][^\r\n]*)/g, (_m, start: string, line: string) => start + withoutWhitespace(line));
      if (stripped === c.input) return false;
      return differences(ioHttpVerdict(bytesOf(stripped), c.method), llhttpVerdict(bytesOf(stripped), c.method)).length === 0;
    },
  },
  {
    // RFC 9112 §7.1.1: every ';' starts an extension with a name, so `;;` and `;=b` are outside the grammar;
    // io-http refuses them, llhttp takes them (though it refuses a ';' right before the CRLF).
    id: 'chunk-extension-empty-name',
    explains: (c) => llAccepts(c) && c.io.error === 'ERR_INVALID_CHUNK' && /(?:^|\n)[0-9a-fA-F]+[^\r\n]*;[ \t]*[;=]/.test(c.input),
  },
  {
    // RFC 9112 §2.2: a bare CR is invalid (or replaced with SP); io-http refuses it. llhttp skips one before the
    // status line, and takes one right after the status code as the line end.
    id: 'bare-cr-status-line',
    explains: (c) => llAccepts(c) && c.io.error === 'ERR_INVALID_STATUS_LINE' && statusLines(c.input).some((l) => /\r(?!$)/.test(l)),
  },
  {
    // RFC 9110 §5.6.1: a recipient MUST ignore empty list elements, so `chunked,` is chunked; llhttp reads the
    // body to close instead.
    id: 'transfer-encoding-empty-element',
    explains: (c) =>
      c.io.accepted &&
      c.ll.accepted &&
      !c.ll.keepAlive &&
      values(c.io.headers, 'transfer-encoding').some((v) => /(^|,)[ \t]*(,|$)/.test(v)) &&
      /(^|,)[ \t]*chunked[ \t,]*$/i.test(values(c.io.headers, 'transfer-encoding').join(',')),
  },
  {
    // RFC 9112 §9.3, §9.6: `close` ends persistence whatever else the fields say; with `keep-alive` and `close`
    // in separate fields of an HTTP/1.0 response, llhttp keeps the connection.
    id: 'connection-close-wins',
    explains: (c) =>
      only(c, 'keepAlive') && c.io.accepted && !c.io.keepAlive && values(c.io.headers, 'connection').some((v) => CLOSE.test(v)),
  },
  {
    // A 1xx is interim (RFC 9110 §15.2): io-http reads the final response after it and takes persistence from
    // the final one; llhttp stops after a 1xx that is not persistent (`Connection: close`, or HTTP/1.0 without
    // keep-alive) with HPE_CLOSED_CONNECTION.
    id: 'interim-connection-close',
    explains: (c) =>
      ioAccepts(c) &&
      c.ll.error === 'HPE_CLOSED_CONNECTION' &&
      /(?:^|\n)HTTP\/1\.\d 1\d\d[^\n]*\n(?:[^\r\n]+\r\n)*?connection:[^\r\n]*close|(?:^|\n)HTTP\/1\.0 1\d\d/i.test(c.input),
  },
  {
    // io-http's own bounds (docs/protocol.md, Limits): 100 fields, 4 KiB chunk lines. Node applies its own in
    // JavaScript (maxHeadersCount 2000), not in llhttp.
    id: 'io-http-limits',
    explains: (c) => llAccepts(c) && (c.io.error === 'ERR_TOO_MANY_HEADERS' || c.io.error === 'ERR_CHUNK_LINE_TOO_LONG'),
  },
];

/** A chunk-size line without its SP and HTAB, but those inside quoted strings. */
function withoutWhitespace(line: string): string {
  return line.replace(/"(?:[^"\\]|\\.)*"|[ \t]+/g, (m) => (m.startsWith('"') ? m : ''));
}

/** The ids of the classes that explain `c`. */
export function explain(c: Case, applied: ReadonlySet<string> = new Set()): string[] {
  return disagreements.filter((d) => !applied.has(d.id) && d.explains(c, applied)).map((d) => d.id);
}

/** The leniency that makes a class go away: io-http with it answers as llhttp does. */
const COUNTERFACTUALS: Record<string, Http1Options> = {
  'obs-fold': { allowObsFold: false },
  'bare-lf': { allowBareLf: true },
};

/**
 * Whether the counterfactual of `id` (on top of those already `applied`) changes io-http's answer to llhttp's,
 * or to one that differs only in ways other classes explain.
 */
function explainedWith(c: Case, applied: ReadonlySet<string>, id: string): boolean {
  const all = new Set([...applied, id]);
  const options = Object.assign({}, ...[...all].map((a) => COUNTERFACTUALS[a])) as Http1Options;
  const io = ioHttpVerdict(bytesOf(c.input), c.method, options);
  // The leniency plays no part when io-http's answer stays the same: the same message, or the same error (two
  // rejections have no `differences`, but a new error code is a change: a bare LF skipped, then HTTP/0.9 refused).
  const same = differences(io, c.io).length === 0 && (io.accepted || (!c.io.accepted && io.error === c.io.error));
  if (same) return false;
  const diff = differences(io, c.ll);
  return diff.length === 0 || explain({ ...c, io, diff }, all).length > 0;
}
