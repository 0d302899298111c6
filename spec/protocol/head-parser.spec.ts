import { LimitError, ParseError } from '../../lib/message/errors';
import { HeadParser } from '../../lib/protocol/head-parser';
import { defaultLimits, strict, type HttpLimits, type Leniency } from '../../lib/protocol/limits';
import { bytesOf } from '../support/bytes';
import { asJson, driveAllSplits, driveSomeSplits } from '../support/drive';
import { HeadBlock, normalizeHead } from '../support/head-block';
import type { Pairs } from '../support/http1';

type Options = Partial<HttpLimits> & Partial<Leniency> & { offset?: number };

interface Parsed {
  statusLine?: { version: string; status: number; reason: string };
  headers?: Pairs;
  rest?: string;
  error?: { name: string; code: unknown; offset: unknown };
}

function parseHead(input: string, options: Options = {}, withStatusLine = true): Parsed {
  return normalizeHead(driveAllSplits(() => new HeadBlock(withStatusLine, options), input, { normalize: asJson(normalizeHead) })) as Parsed;
}

function head(input: string, options: Options = {}): Required<Omit<Parsed, 'error'>> {
  const p = parseHead(input, options);
  if (p.error) throw new Error(`expected a head, got ${JSON.stringify(p.error)}`);
  return p as Required<Omit<Parsed, 'error'>>;
}

function headError(input: string, options: Options = {}, withStatusLine = true): NonNullable<Parsed['error']> {
  const p = parseHead(input, options, withStatusLine);
  if (!p.error) throw new Error(`expected an error, got ${JSON.stringify(p)}`);
  return p.error;
}

const STATUS = 'HTTP/1.1 200 OK\r\n'; // 17 bytes: a field line starts at offset 17

describe('HeadParser: status line', () => {
  it.each([
    ['HTTP/1.1 200 OK', { version: '1.1', status: 200, reason: 'OK' }],
    ['HTTP/1.0 404 Not Found', { version: '1.0', status: 404, reason: 'Not Found' }],
    ['HTTP/1.1 200', { version: '1.1', status: 200, reason: '' }],
    ['HTTP/1.1 200 ', { version: '1.1', status: 200, reason: '' }],
    ['HTTP/1.1 100 Continue', { version: '1.1', status: 100, reason: 'Continue' }],
    ['HTTP/1.1 999 Whatever', { version: '1.1', status: 999, reason: 'Whatever' }],
    ['HTTP/1.1 200 Very  OK\t! \xe9', { version: '1.1', status: 200, reason: 'Very  OK\t! \xe9' }],
    ['HTTP/1.1 200 OK ', { version: '1.1', status: 200, reason: 'OK ' }],
    ['HTTP/1.9 200 OK', { version: '1.9', status: 200, reason: 'OK' }],
    // The reason is informational: controls other than NUL and CR are kept as received (docs/conformance.md).
    ['HTTP/1.1 200 O\x01K\x1b[0m\x7f', { version: '1.1', status: 200, reason: 'O\x01K\x1b[0m\x7f' }],
  ])('parses %j', (line, statusLine) => {
    expect(head(`${line}\r\n\r\n`)).toEqual({ statusLine, headers: [], rest: '' });
  });

  it('skips empty lines before the status line', () => {
    expect(head('\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n').statusLine).toEqual({ version: '1.1', status: 204, reason: 'No Content' });
  });

  it.each([
    ['HTTP/2.0 200 OK', 0],
    ['HTTP/2 200 OK', 0],
    ['HTTP/10.0 200 OK', 0],
    ['http/1.1 200 OK', 0],
    ['ICY 200 OK', 0],
    [' HTTP/1.1 200 OK', 0],
    ['HTTP/1.', 0],
    ['HTTP/1.x 200 OK', 0],
    ['HTTP/1.1', 8],
    ['HTTP/1.1200 OK', 8],
    ['HTTP/1.1\t200 OK', 8],
    ['HTTP/1.1 ', 9],
    ['HTTP/1.1  200 OK', 9],
    ['HTTP/1.1 20', 11],
    ['HTTP/1.1 2', 10],
    ['HTTP/1.1 2x0 OK', 10],
    ['HTTP/1.1 -20 OK', 9],
    ['HTTP/1.1 2000', 12],
    ['HTTP/1.1 2000 OK', 12],
    ['HTTP/1.1 200OK', 12],
    ['HTTP/1.1 200\tOK', 12],
    ['HTTP/1.1 099 Low', 9],
    ['HTTP/1.1 000 Zero', 9],
    ['HTTP/1.1 200 O\0K', 14],
    ['HTTP/1.1 200 O\rK', 14],
  ])('refuses %j at byte %d', (line, offset) => {
    expect(headError(`${line}\r\n\r\n`)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_STATUS_LINE', offset });
  });

  it('reports the offset of the bad byte from the offset option', () => {
    expect(headError('HTTP/1.1 20\r\n\r\n', { offset: 1000 })).toMatchObject({ offset: 1011 });
    expect(headError('ICY 200 OK\r\n\r\n', { offset: 7 })).toMatchObject({ offset: 7 });
  });
});

describe('HeadParser: field lines', () => {
  it('keeps order and casing, trims whitespace around values, keeps repeated fields separate', () => {
    const input = `${STATUS}Content-Type: text/html\r\nX-Empty:\r\nX-Sp: \t a  b \t \r\nset-cookie: a=1\r\nSet-Cookie: b=2\r\nX-Colon:a:b: c\r\n\r\n`;
    expect(head(input).headers).toEqual([
      ['Content-Type', 'text/html'],
      ['X-Empty', ''],
      ['X-Sp', 'a  b'],
      ['set-cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['X-Colon', 'a:b: c'],
    ]);
  });

  it('accepts every tchar in a name and obs-text in a value', () => {
    expect(head(`${STATUS}!#$%&'*+-.^_\`|~09AZaz: \x80caf\xe9\xff\r\n\r\n`).headers).toEqual([["!#$%&'*+-.^_`|~09AZaz", '\x80caf\xe9\xff']]);
  });

  it('returns the bytes after the empty line', () => {
    expect(head(`${STATUS}A: 1\r\n\r\nbody\r\n\r\nmore`).rest).toBe('body\r\n\r\nmore');
  });

  it.each([
    ['Name : v', 17 + 4],
    ['Name\t: v', 17 + 4],
    [': v', 17],
    [' : v', 17],
    ['NoColon', 17 + 7],
    ['X-\xdc: v', 17 + 2],
    ['X(y): v', 17 + 1],
    ['X: a\x01b', 17 + 4],
    ['X: a\0b', 17 + 4],
    ['X: a\rb', 17 + 4],
    ['X: a\r', 17 + 4],
    ['X: \x7f', 17 + 3],
    ['X: a\x1bb', 17 + 4],
  ])('refuses the field line %j at byte %d', (line, offset) => {
    expect(headError(`${STATUS}${line}\r\n\r\n`)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_HEADER', offset });
  });

  it('refuses a bare CR that runs two fields together', () => {
    expect(headError(`${STATUS}X: a\rY: b\r\n\r\n`)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_HEADER', offset: 21 });
  });

  it('refuses obs-fold by default, at the folded line', () => {
    expect(headError(`${STATUS}X: a\r\n b\r\n\r\n`)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_HEADER', offset: 23 });
    expect(headError(`${STATUS}X: a\r\n\tb\r\n\r\n`)).toMatchObject({ code: 'ERR_INVALID_HEADER', offset: 23 });
  });

  it('with allowObsFold, unfolds each continuation into one space', () => {
    const input = `${STATUS}X: a\r\n b\r\n\t  c  \r\n   \r\nY:\r\n d\r\nZ: 1\r\n\r\n`;
    expect(head(input, { allowObsFold: true }).headers).toEqual([
      ['X', 'a b c'],
      ['Y', 'd'],
      ['Z', '1'],
    ]);
  });

  it('refuses a continuation line before any field, even with allowObsFold', () => {
    expect(headError(`${STATUS} X: a\r\n\r\n`, { allowObsFold: true })).toEqual({ name: 'ParseError', code: 'ERR_INVALID_HEADER', offset: 17 });
  });

  it('refuses a control character in a continuation line', () => {
    expect(headError(`${STATUS}X: a\r\n b\x01\r\n\r\n`, { allowObsFold: true })).toMatchObject({ code: 'ERR_INVALID_HEADER', offset: 25 });
  });
});

describe('HeadParser: line ends', () => {
  it.each([
    ['HTTP/1.1 200 OK\n\r\n', 15],
    [`${STATUS}A: 1\n\r\n`, 21],
    [`${STATUS}A: 1\r\n\n`, 23],
    ['\nHTTP/1.1 200 OK\r\n\r\n', 0],
  ])('refuses a bare LF by default: %j at byte %d', (input, offset) => {
    expect(headError(input)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_LINE_END', offset });
  });

  it('with allowBareLf, takes LF alone (mixed with CRLF) as a line end', () => {
    expect(head('HTTP/1.1 200 OK\nA: 1\r\nB:  2 \n\nrest', { allowBareLf: true })).toEqual({
      statusLine: { version: '1.1', status: 200, reason: 'OK' },
      headers: [['A', '1'], ['B', '2']],
      rest: 'rest',
    });
  });

  it('still refuses a bare CR with allowBareLf', () => {
    expect(headError(`${STATUS}A: 1\rB: 2\n\n`, { allowBareLf: true })).toMatchObject({ code: 'ERR_INVALID_HEADER', offset: 21 });
  });
});

describe('HeadParser: trailer sections', () => {
  it('parses field lines without a status line', () => {
    expect(normalizeHead(driveAllSplits(() => new HeadBlock(false), 'A: 1\r\nb: 2\r\n\r\nx', { normalize: asJson(normalizeHead) }))).toEqual({
      statusLine: undefined,
      headers: [['A', '1'], ['b', '2']],
      rest: 'x',
    });
    expect(normalizeHead(driveAllSplits(() => new HeadBlock(false), '\r\n', { normalize: asJson(normalizeHead) }))).toMatchObject({ headers: [] });
  });

  it('takes a status line as a bad field line', () => {
    expect(headError('HTTP/1.1 200 OK\r\n\r\n', {}, false)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_HEADER', offset: 4 });
  });
});

describe('HeadParser: limits', () => {
  const fields = (n: number) => Array.from({ length: n }, (_, i) => `H${i}: v\r\n`).join('');

  it('takes a head of exactly maxHeadSize bytes; one more is ERR_HEAD_TOO_LARGE at the first byte over', () => {
    const input = `${STATUS}X: ${'a'.repeat(20)}\r\n\r\n`; // 17 + 25 + 2 = 44 bytes
    expect(head(input, { maxHeadSize: 44 }).headers).toEqual([['X', 'a'.repeat(20)]]);
    expect(headError(input, { maxHeadSize: 43 })).toEqual({ name: 'LimitError', code: 'ERR_HEAD_TOO_LARGE', offset: 43 });
    expect(headError(input, { maxHeadSize: 20, offset: 100 })).toEqual({ name: 'LimitError', code: 'ERR_HEAD_TOO_LARGE', offset: 120 });
    // The bytes after the head do not count.
    expect(head(`${input}${'b'.repeat(100)}`, { maxHeadSize: 44 }).rest).toBe('b'.repeat(100));
  });

  it('stops a line that never ends at the limit', () => {
    expect(headError(`${STATUS}X: ${'a'.repeat(100)}`, { maxHeadSize: 64 })).toEqual({ name: 'LimitError', code: 'ERR_HEAD_TOO_LARGE', offset: 64 });
    expect(headError('a'.repeat(100), { maxHeadSize: 64 })).toEqual({ name: 'LimitError', code: 'ERR_HEAD_TOO_LARGE', offset: 64 });
  });

  it('counts empty lines before the status line', () => {
    expect(headError(`${'\r\n'.repeat(20)}${STATUS}\r\n`, { maxHeadSize: 50 })).toMatchObject({ code: 'ERR_HEAD_TOO_LARGE', offset: 50 });
  });

  it('defaults to 16 KiB, with status 431', () => {
    expect(defaultLimits.maxHeadSize).toBe(16 * 1024);
    const filler = (n: number) => `${STATUS}X: ${'a'.repeat(n - STATUS.length - 7)}\r\n\r\n`;
    expect(filler(16 * 1024)).toHaveLength(16 * 1024);
    // O(n²) to split at every position: whole, byte by byte and a sample of cuts, the edges included.
    const some = (input: string) =>
      normalizeHead(driveSomeSplits(() => new HeadBlock(true), bytesOf(input), [1, 16, 17, 18, 20, 16381, 16382, 16383, 16384], normalizeHead)) as Parsed;
    expect(some(filler(16 * 1024)).headers![0][1]).toHaveLength(16 * 1024 - 24);
    expect(some(filler(16 * 1024 + 1))).toEqual({ error: { name: 'LimitError', code: 'ERR_HEAD_TOO_LARGE', offset: 16 * 1024 } });
    const parser = new HeadParser(0, true, defaultLimits, strict);
    let error: unknown;
    try {
      parser.feed(bytesOf(filler(16 * 1024 + 1)), 0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ status: 431, limit: 16 * 1024, offset: 16 * 1024 });
    expect((error as Error).message).toContain('16384');
  });

  it('takes maxHeaders fields; one more is ERR_TOO_MANY_HEADERS at the start of that line', () => {
    expect(head(`${STATUS}${fields(3)}\r\n`, { maxHeaders: 3 }).headers).toHaveLength(3);
    expect(headError(`${STATUS}${fields(4)}\r\n`, { maxHeaders: 3 })).toEqual({ name: 'LimitError', code: 'ERR_TOO_MANY_HEADERS', offset: 17 + 3 * 7 });
  });

  it('defaults to 100 fields; a folded continuation is not a field', () => {
    expect(head(`${STATUS}${fields(100)}\r\n`).headers).toHaveLength(100);
    const error = headError(`${STATUS}${fields(101)}\r\n`);
    expect(error).toMatchObject({ name: 'LimitError', code: 'ERR_TOO_MANY_HEADERS' });
    expect(head(`${STATUS}A: 1\r\n 2\r\n 3\r\n\r\n`, { maxHeaders: 1, allowObsFold: true }).headers).toEqual([['A', '1 2 3']]);
  });
});

describe('HeadParser: errors', () => {
  it('counts a line carried across reads in full (offsets do not depend on how the input was split)', () => {
    const input = bytesOf(`${STATUS}Abc: 1\r\nBad Name: 2\r\n\r\n`);
    for (let cut = 1; cut < input.length; cut++) {
      const parser = new HeadParser(0, true, defaultLimits, strict);
      try {
        parser.feed(input.subarray(0, cut), 0);
        parser.feed(input.subarray(cut), 0);
        throw new Error('expected an error');
      } catch (error) {
        expect(error).toBeInstanceOf(ParseError);
        expect((error as ParseError).offset).toBe(17 + 8 + 3);
      }
    }
  });

  it('shows the line in the excerpt, never stale bytes of an earlier carried line', () => {
    const parser = new HeadParser(0, true, defaultLimits, strict);
    parser.feed(bytesOf(`${STATUS}X-Long: ${'z'.repeat(100)}`), 0);
    parser.feed(bytesOf('\r\nBad'), 0);
    let error: ParseError | undefined;
    try {
      parser.feed(bytesOf(' Name: v\r\n'), 0);
    } catch (e) {
      error = e as ParseError;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect(error!.offset).toBe(17 + 8 + 100 + 2 + 3);
    expect(error!.excerpt).toBe('Bad⟨ ⟩Name: v\\r\\n');
    expect(error!.message).toBe(`Malformed HTTP input at byte 130: expected a token character or ':', got Bad⟨ ⟩Name: v\\r\\n`);
  });

  it('escapes control bytes in the excerpt', () => {
    let error: ParseError | undefined;
    try {
      new HeadParser(0, true, defaultLimits, strict).feed(bytesOf('HTTP/1.1 200 \x00\x1b\\\t\xff\r\n\r\n'), 0);
    } catch (e) {
      error = e as ParseError;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect(error!.code).toBe('ERR_INVALID_STATUS_LINE');
    expect(error!.offset).toBe(13);
    expect(error!.excerpt).toBe('HTTP/1.1 200 ⟨\\x00⟩\\x1b\\\\\\t\\xff\\r\\n\\r\\n');
  });
});

describe('HeadParser: octets above 0x7F among ASCII fields', () => {
  // The parser decodes a batch of lines at once and slices ASCII fields out of it; a multi-byte UTF-8
  // sequence (or an invalid one) earlier in the batch must not shift the fields after it.
  it.each([
    ['UTF-8 é (2 octets)', '\xc3\xa9'],
    ['UTF-8 😀 (4 octets)', '\xf0\x9f\x98\x80'],
    ['a lone continuation octet', '\x80'],
    ['a truncated sequence', '\xe2\x82'],
    ['latin-1 octets', '\xe9\xff'],
  ])('%s', (_name, octets) => {
    const h = head(`HTTP/1.1 200 R${octets}\r\nX-A: ${octets}\r\nX-B: hello\r\nX-${'C'}: v${octets}w\r\nX-D: world\r\n\r\n`);
    expect(h.statusLine.reason).toBe(`R${octets}`);
    expect(h.headers).toEqual([
      ['X-A', octets],
      ['X-B', 'hello'],
      ['X-C', `v${octets}w`],
      ['X-D', 'world'],
    ]);
  });
});
