import fc from 'fast-check';
import { HttpError, UsageError } from '../../lib/message/errors';
import { HttpRequest } from '../../lib/message/request';
import { ChunkedDecoder } from '../../lib/protocol/chunked-decoder';
import { encodeChunk, LAST_CHUNK } from '../../lib/protocol/chunked-encoder';
import type { Http1Options } from '../../lib/protocol/http1-protocol';
import { Http11Protocol } from '../../lib/protocol/http11-protocol';
import { assertProperty } from '../conformance/property-runs';
import { bytesOf, latin1 } from '../support/bytes';
import { asJson, driveAllSplits, type Outcome } from '../support/drive';
import { h11, normalizeHttp1, ok, type Pairs, run } from '../support/http1';

// IO_HTTP_FC_SCALE multiplies the runs; `npm run fuzz` runs each property for minutes (conformance/property-runs.ts).

// ---- generators ----

const TCHAR = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".split('');
const VCHAR = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i));

/** Names that change framing or connection handling: the round trip leaves them to the generator. */
const RESERVED = new Set(['content-length', 'transfer-encoding', 'connection', 'trailer']);

const token = fc.string({ unit: fc.constantFrom(...TCHAR), minLength: 1, maxLength: 8 }).filter((n) => !RESERVED.has(n.toLowerCase()));

/** A field value: visible ASCII with inner spaces and tabs; surrounding whitespace is trimmed by the parser. */
const fieldValue = fc.string({ unit: fc.constantFrom(...VCHAR, ' ', '\t'), maxLength: 10 });
const trimmed = (v: string) => v.replace(/^[ \t]+|[ \t]+$/g, '');

const fields = fc.array(fc.tuple(token, fieldValue), { maxLength: 4 });

const reason = fc.string({ unit: fc.constantFrom(...VCHAR, ' '), maxLength: 8 });

const status = fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304);

const body = fc.uint8Array({ maxLength: 24 });

/** Where to cut a body into chunks: sorted, distinct positions. */
const cuts = fc.uniqueArray(fc.nat({ max: 24 }), { maxLength: 4 });

interface Message {
  status: number;
  reason: string;
  headers: Pairs;
  framing: 'length' | 'chunked' | 'close';
  framingAt: number;
  body: Uint8Array;
  cuts: number[];
  trailers: Pairs;
}

const message: fc.Arbitrary<Message> = fc.record({
  status,
  reason,
  headers: fields,
  framing: fc.constantFrom('length' as const, 'chunked' as const, 'close' as const),
  framingAt: fc.nat({ max: 4 }),
  body,
  cuts,
  trailers: fields,
});

/** The wire form of a message, and the header list a parser should give back. */
function serialize(m: Message): { wire: Uint8Array; headers: Pairs; trailers: Pairs } {
  const headers: Pairs = m.headers.map(([n, v]) => [n, v]);
  const at = Math.min(m.framingAt, headers.length);
  if (m.framing === 'length') headers.splice(at, 0, ['Content-Length', String(m.body.length)]);
  if (m.framing === 'chunked') headers.splice(at, 0, ['Transfer-Encoding', 'chunked']);
  let text = `HTTP/1.1 ${m.status}${m.reason === '' ? '' : ` ${m.reason}`}\r\n`;
  for (const [n, v] of headers) text += `${n}:${v}\r\n`;
  text += '\r\n';
  const parts: Uint8Array[] = [bytesOf(text)];
  if (m.framing === 'chunked') {
    const positions = [0, ...m.cuts.filter((c) => c > 0 && c < m.body.length).sort((a, b) => a - b), m.body.length];
    for (let i = 1; i < positions.length; i++) parts.push(...encodeChunk(m.body.subarray(positions[i - 1], positions[i])));
    let end = '0\r\n';
    for (const [n, v] of m.trailers) end += `${n}: ${v}\r\n`;
    parts.push(bytesOf(`${end}\r\n`));
  } else {
    parts.push(m.body);
  }
  const wire = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    wire.set(p, offset);
    offset += p.length;
  }
  const clean = (list: Pairs): Pairs => list.map(([n, v]) => [n, trimmed(v)]);
  return { wire, headers: clean(headers), trailers: m.framing === 'chunked' ? clean(m.trailers) : [] };
}

// ---- properties ----

describe('property: a serialised response parses back to itself', () => {
  it('status, reason, fields (names, values, order), body and trailers, fed any way', () => {
    assertProperty(
      'status, reason, fields (names, values, order), body and trailers, fed any way',
      fc.property(message, fc.boolean(), (m, stream) => {
        const { wire, headers, trailers } = serialize(m);
        const n = run(h11(HttpRequest.get('http://example.com/'), { stream }), wire);
        expect(n.error).toBeUndefined();
        expect(n.result).toMatchObject({
          version: '1.1',
          status: m.status,
          reason: m.reason,
          headers,
          trailers,
          interim: [],
          keepAlive: m.framing !== 'close',
          rest: '',
        });
        expect(stream ? n.data : n.result!.body).toBe(latin1(m.body));
        if (stream) expect(n.yields).toEqual([{ type: 'head', status: m.status }]);
      }),
      60,
    );
  });

  it('pipelined: two responses parse one after the other', () => {
    const framed = message.filter((m) => m.framing !== 'close');
    assertProperty(
      'pipelined: two responses parse one after the other',
      fc.property(framed, framed, (a, b) => {
        const first = serialize(a);
        const second = serialize(b);
        const r1 = ok(h11(), latin1(first.wire) + latin1(second.wire));
        expect([r1.status, r1.body, r1.rest]).toEqual([a.status, latin1(a.body), latin1(second.wire)]);
        const r2 = ok(h11(), r1.rest);
        expect([r2.status, r2.headers, r2.body, r2.rest]).toEqual([b.status, second.headers, latin1(b.body), '']);
      }),
      20,
    );
  });

  it('chunk-encoded pieces decode to their concatenation', () => {
    assertProperty(
      'chunk-encoded pieces decode to their concatenation',
      fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 5 }), (pieces) => {
        const wire = [...pieces.flatMap(encodeChunk), LAST_CHUNK].map(latin1).join('');
        const normalize = (o: Outcome) => ({ data: o.data, error: o.error, done: o.result !== undefined });
        const outcome = driveAllSplits(() => new ChunkedDecoder(), wire, { normalize: asJson(normalize) });
        expect(normalize(outcome)).toEqual({ data: pieces.map(latin1).join(''), error: undefined, done: true });
      }),
      40,
    );
  });
});

// ---- robustness ----

const PROTOCOL_ERRORS = new Set(['ParseError', 'LimitError', 'IncompleteMessageError']);

/** Options that reach more code: leniencies, small limits, streaming, HEAD and CONNECT. */
const protocolSetup = fc.record({
  method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'CONNECT'),
  options: fc.record(
    {
      stream: fc.boolean(),
      allowBareLf: fc.boolean(),
      allowObsFold: fc.boolean(),
      allowTransferEncodingWithContentLength: fc.boolean(),
      maxHeadSize: fc.integer({ min: 8, max: 200 }),
      maxHeaders: fc.integer({ min: 0, max: 5 }),
      maxChunkLineSize: fc.integer({ min: 1, max: 16 }),
      maxBodySize: fc.integer({ min: 0, max: 30 }),
      maxInterimResponses: fc.integer({ min: 0, max: 3 }),
    },
    { requiredKeys: [] },
  ),
});

/** Runs `input` through every split; checks the outcome is a result or an io-http protocol error in range. */
function checkRobust(input: Uint8Array, setup: { method: string; options: Partial<Http1Options> }): void {
  const make = () => new Http11Protocol(new HttpRequest(setup.method, 'http://example.com/'), setup.options);
  // In streaming mode a limit error can come after more or fewer data pieces depending on the reads: compare
  // the rest of the outcome there.
  const normalize = (o: Outcome) => {
    const n = normalizeHttp1(o);
    return setup.options.stream && n.error ? { ...n, data: undefined } : n;
  };
  const whole = driveAllSplits(make, input, { normalize: asJson(normalize) });
  if (whole.error) {
    expect(PROTOCOL_ERRORS.has(whole.error.name)).toBe(true);
    expect(typeof whole.error.code).toBe('string');
    expect(whole.error.offset).toEqual(expect.any(Number));
    expect(whole.error.offset as number).toBeGreaterThanOrEqual(0);
    expect(whole.error.offset as number).toBeLessThanOrEqual(input.length);
  } else if (whole.result) {
    const rest = normalizeHttp1(whole).result!.rest;
    expect(latin1(input).endsWith(rest)).toBe(true);
  } else {
    throw new Error(`the protocol stopped at ${JSON.stringify(whole.yields)} with EOF given`);
  }
}

/** A few ways to damage a valid response. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('\r', '\n', '\r\n', ' ', '\t', ':', '\0', ';', ',', '0', 'f', '\x7f', '\xff', 'HTTP/1.1 100 Continue\r\n\r\n') }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('field' as const), line: fc.constantFrom('Content-Length: 3', 'Content-Length: -1', 'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip', 'Connection: close', ' folded', 'X: a\rb') }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, m: Mutation): string {
  const at = (n: number) => n % (text.length + 1);
  switch (m.kind) {
    case 'replace':
      return text.length === 0 ? text : text.slice(0, at(m.at) % text.length) + String.fromCharCode(m.byte) + text.slice((at(m.at) % text.length) + 1);
    case 'insert':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at));
    case 'delete':
      return text.slice(0, at(m.at)) + text.slice(at(m.at) + m.length);
    case 'truncate':
      return text.slice(0, at(m.at));
    case 'field': {
      const end = text.indexOf('\r\n');
      return end < 0 ? text : `${text.slice(0, end + 2)}${m.line}\r\n${text.slice(end + 2)}`;
    }
  }
}

describe('property: no input makes the protocol throw anything but an io-http error, or hang', () => {
  it('random bytes', () => {
    assertProperty(
      'random bytes',
      fc.property(fc.uint8Array({ maxLength: 60 }), protocolSetup, (input, setup) => checkRobust(input, setup)),
      100,
    );
  });

  it('random bytes after a valid status line', () => {
    const tail = fc.string({ unit: fc.constantFrom('\r', '\n', '\r\n', ':', ' ', '\t', '0', '5', 'a', 'X', ';', '\0', '\xff', 'chunked', 'Content-Length', 'Transfer-Encoding'), maxLength: 20 });
    assertProperty(
      'random bytes after a valid status line',
      fc.property(fc.constantFrom('HTTP/1.1 200 OK\r\n', 'HTTP/1.0 200 OK\r\n', 'HTTP/1.1 100 Continue\r\n', 'HTTP/1.1 101 Up\r\n'), tail, protocolSetup, (line, rest, setup) =>
        checkRobust(bytesOf(line + rest), setup),
      ),
      100,
    );
  });

  it('mutations of valid responses', () => {
    assertProperty(
      'mutations of valid responses',
      fc.property(message, fc.array(mutation, { minLength: 1, maxLength: 3 }), protocolSetup, (m, mutations, setup) => {
        let text = latin1(serialize(m).wire);
        for (const mu of mutations) text = mutate(text, mu);
        checkRobust(bytesOf(text), setup);
      }),
      80,
    );
  });
});

describe('property: request serialisation never writes a broken head', () => {
  const anyText = fc.string({ unit: fc.oneof(fc.constantFrom('\r', '\n', '\0', ' ', ':', '\x7f', '\u0100', '\u20ac'), fc.constantFrom(...TCHAR)), maxLength: 6 });

  it('random field names and values: refused with a UsageError, or every line is clean', () => {
    assertProperty(
      'random field names and values: refused with a UsageError, or every line is clean',
      fc.property(fc.array(fc.tuple(anyText, anyText), { maxLength: 4 }), anyText, (pairs, method) => {
        const p = new Http11Protocol(new HttpRequest(method, 'http://example.com/p', { headers: pairs }));
        let step;
        try {
          step = p.resume();
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          expect(error).toBeInstanceOf(HttpError);
          expect(['ERR_INVALID_HEADER', 'ERR_INVALID_REQUEST']).toContain((error as UsageError).code);
          return;
        }
        expect(step.done).toBe(false);
        const head = latin1((step.value as { bytes: Uint8Array }).bytes);
        expect(head.endsWith('\r\n\r\n')).toBe(true);
        const lines = head.slice(0, -4).split('\r\n');
        for (const line of lines) expect(line).not.toMatch(/[\r\n\0]/);
        // Request line, Host (unless given), one line per field, and Content-Length: 0 for a bodiless
        // POST/PUT/PATCH: nothing was split or smuggled.
        const given = (name: string) => pairs.some(([n]) => n.toLowerCase() === name);
        const fieldsAt = given('host') ? 1 : 2;
        const length = ['POST', 'PUT', 'PATCH'].includes(method) && !given('content-length') ? ['Content-Length: 0'] : [];
        expect(lines.slice(fieldsAt)).toEqual([...pairs.map(([n, v]) => `${n}: ${v}`), ...length]);
      }),
      200,
    );
  });
});
