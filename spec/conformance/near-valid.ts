/**
 * A fast-check generator of near-valid response streams: a valid response (any framing, 1xx before it,
 * trailers, a following response) with zero to three small mutations aimed at the places parsers disagree on:
 * line ends, whitespace, digits, framing fields, versions. Body and field bytes avoid CR, LF, SP and HTAB, so
 * those only appear where the structure or a mutation puts them.
 */
import fc from 'fast-check';

export interface NearValid {
  method: string;
  /** The stream as a byte string (one char per octet). */
  input: string;
}

const NAME = fc.constantFrom('Server', 'X-A', 'x-a', 'Date', 'Cache-Control', 'ETag', 'Vary', 'Set-Cookie', 'Link', 'X_y', "!#$%&'*+-.^_`|~");
const VALUE = fc.string({ unit: fc.constantFrom(...'abcXYZ019,;=/"()\xe9\xff\x7f'.split('')), maxLength: 8 });
const BODY = fc.string({ unit: fc.constantFrom(...'abcdefxyz0123456789'.split('')), maxLength: 20 });
const REASON = fc.constantFrom('OK', 'Not Found', '', 'Very OK', 'caf\xe9');

const framing = fc.oneof(
  fc.record({ kind: fc.constant('length' as const), zeros: fc.nat({ max: 3 }) }),
  fc.record({
    kind: fc.constant('chunked' as const),
    pieces: fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 3 }),
    extension: fc.constantFrom('', ';a=b', ';x'),
    trailers: fc.array(fc.tuple(NAME, VALUE), { maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('close' as const) }),
);

const response = fc.record({
  method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD'),
  version: fc.constantFrom('1.1', '1.1', '1.1', '1.0'),
  interim: fc.array(fc.constantFrom('HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n'), { maxLength: 2 }),
  status: fc.constantFrom(200, 200, 201, 204, 304, 404, 500),
  reason: REASON,
  fields: fc.array(fc.tuple(NAME, VALUE), { maxLength: 4 }),
  connection: fc.constantFrom('', 'close', 'keep-alive'),
  framing,
  body: BODY,
  next: fc.constantFrom('', '', 'HTTP/1.1 204 No Content\r\n\r\n'),
});

type Response = typeof response extends fc.Arbitrary<infer R> ? R : never;

function serialize(r: Response): string {
  let head = `HTTP/${r.version} ${r.status}${r.reason === '' ? '' : ` ${r.reason}`}\r\n`;
  for (const [name, value] of r.fields) head += `${name}: ${value}\r\n`;
  if (r.connection !== '') head += `Connection: ${r.connection}\r\n`;
  const f = r.framing;
  let body = r.body;
  if (f.kind === 'length') head += `Content-Length: ${'0'.repeat(f.zeros)}${body.length}\r\n`;
  if (f.kind === 'chunked') {
    head += 'Transfer-Encoding: chunked\r\n';
    let chunks = '';
    let at = 0;
    for (const size of f.pieces) {
      const piece = body.slice(at, at + size);
      at += size;
      if (piece !== '') chunks += `${piece.length.toString(16)}${f.extension}\r\n${piece}\r\n`;
    }
    chunks += `0\r\n${f.trailers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
    body = chunks;
  }
  return `${r.interim.join('')}${head}\r\n${body}${f.kind === 'close' ? '' : r.next}`;
}

/** Small edits, each aimed at a place parsers differ on. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('\r', '\n', '\r\n', ' ', '\t', '\r\n ', '\0', ':', ';', ',', '0', 'f', '\x7f', '\x01') }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: fc.constantFrom(' ', '\t', '\0', '\r', '\n', 'x', '0', ':', '\xff') }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 3 }) }),
  fc.record({
    kind: fc.constant('field' as const),
    line: fc.constantFrom(
      'Content-Length: 3',
      'Content-Length: 0',
      'Content-Length: 03',
      'Content-Length: -1',
      'Content-Length: 1 2',
      'Content-Length: 5, 5',
      'Transfer-Encoding: chunked',
      'Transfer-Encoding: gzip',
      'Transfer-Encoding: gzip, chunked',
      'Transfer-Encoding: chunked, gzip',
      'Transfer-Encoding: identity',
      'Connection: close',
      'Connection: keep-alive',
      'Connection: upgrade',
      'X: a\r\n folded',
      'X : a',
      ': empty',
    ),
  }),
  fc.record({ kind: fc.constant('version' as const), version: fc.constantFrom('HTTP/1.0', 'HTTP/1.2', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.10', 'HTTP/1', 'http/1.1') }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

/** The status line of the first non-1xx response. */
const FINAL_STATUS = /HTTP\/1\.[01] [2-5]/;

function mutate(text: string, m: Mutation): string {
  const at = (n: number) => n % (text.length + 1);
  switch (m.kind) {
    case 'insert':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at));
    case 'replace':
      return text.length === 0 ? text : text.slice(0, at(m.at) % text.length) + m.text + text.slice((at(m.at) % text.length) + 1);
    case 'delete':
      return text.slice(0, at(m.at)) + text.slice(at(m.at) + m.length);
    case 'field': {
      // After the status line of the final response.
      const end = text.indexOf('\r\n', Math.max(0, text.search(FINAL_STATUS)));
      return end < 0 ? text : `${text.slice(0, end + 2)}${m.line}\r\n${text.slice(end + 2)}`;
    }
    case 'version': {
      const final = text.search(FINAL_STATUS);
      return final < 0 ? text : text.slice(0, final) + m.version + text.slice(final + 8);
    }
  }
}

export const nearValid: fc.Arbitrary<NearValid> = fc
  .tuple(response, fc.array(mutation, { maxLength: 3 }))
  .map(([r, mutations]) => ({ method: r.method, input: mutations.reduce(mutate, serialize(r)) }));
