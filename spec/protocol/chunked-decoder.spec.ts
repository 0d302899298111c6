import { HttpError, IncompleteMessageError, LimitError, ParseError } from '../../lib/message/errors';
import { ChunkedDecoder, type ChunkedDecoderOptions, type ChunkedResult, type DataYield } from '../../lib/protocol/chunked-decoder';
import { EOF, type Input, Protocol, READ, type ReadYield, type Step } from '../../lib/protocol/protocol';
import { bytesOf, latin1 } from '../support/bytes';
import { asJson, drive, driveAllSplits, type Outcome } from '../support/drive';

interface Decoded {
  data: string;
  trailers?: Array<[string, string]>;
  rest?: string;
  error?: Outcome['error'];
}

function normalize(o: Outcome): Decoded {
  if (o.error) return { data: o.data, error: o.error };
  const r = o.result as ChunkedResult | undefined;
  if (!r) return { data: o.data };
  return { data: o.data, trailers: [...r.trailers], rest: latin1(r.remaining) + (o.unread ?? '') };
}

/** Decodes `input` through every split. */
function decode(input: string | Uint8Array, options: ChunkedDecoderOptions = {}): Decoded {
  return normalize(driveAllSplits(() => new ChunkedDecoder(options), input, { normalize: asJson(normalize) }));
}

function decodes(input: string, options: ChunkedDecoderOptions = {}): Required<Omit<Decoded, 'error'>> {
  const d = decode(input, options);
  if (d.error) throw new Error(`expected a body, got ${JSON.stringify(d.error)}`);
  return d as Required<Omit<Decoded, 'error'>>;
}

function rejects(input: string, options: ChunkedDecoderOptions = {}): NonNullable<Decoded['error']> & { data: string } {
  const d = decode(input, options);
  if (!d.error) throw new Error(`expected an error, got ${JSON.stringify(d)}`);
  return { ...d.error, data: d.data };
}

/** The error thrown when `input` is fed whole, then EOF (for fields the driver does not compare). */
function thrownWhole(input: string, options: ChunkedDecoderOptions = {}): HttpError {
  const decoder = new ChunkedDecoder(options);
  try {
    let step = decoder.resume(bytesOf(input));
    for (let i = 0; i < 1000 && !step.done; i++) step = decoder.resume(step.value.type === 'read' ? EOF : undefined);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected an error');
}

const invalidChunk = (offset: number) => ({ name: 'ParseError', code: 'ERR_INVALID_CHUNK', offset });

describe('ChunkedDecoder: valid bodies', () => {
  it('decodes chunks, then completes with no trailers and nothing remaining', () => {
    expect(decodes('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n')).toEqual({ data: 'hello world', trailers: [], rest: '' });
  });

  it('an empty body is just the last chunk', () => {
    expect(decodes('0\r\n\r\n')).toEqual({ data: '', trailers: [], rest: '' });
  });

  it('returns the bytes after the body as remaining', () => {
    expect(decodes('3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n')).toEqual({ data: 'abc', trailers: [], rest: 'HTTP/1.1 200 OK\r\n' });
  });

  it('reads hex sizes in upper and lower case, with leading zeros', () => {
    const d255 = 'x'.repeat(255);
    expect(decodes(`a\r\n0123456789\r\nA\r\n9876543210\r\nfF\r\n${d255}\r\n0010\r\n${'y'.repeat(16)}\r\n000\r\n\r\n`).data).toBe(
      `01234567899876543210${d255}${'y'.repeat(16)}`,
    );
  });

  it('accepts 13 hex digits (the most it takes) when they are leading zeros', () => {
    expect(decodes('0000000000003\r\nabc\r\n0\r\n\r\n').data).toBe('abc');
  });

  it.each([
    ['5;a=b\r\nhello\r\n0\r\n\r\n'],
    ['5;a\r\nhello\r\n0;last\r\n\r\n'],
    ['5; a="q"\r\nhello\r\n0\r\n\r\n'],
    ['5;a="q;\\"x\\""\r\nhello\r\n0\r\n\r\n'],
    ['5 ;a=b\r\nhello\r\n0\r\n\r\n'],
    ['5\t ; a = b ;c\r\nhello\r\n0\r\n\r\n'],
    ['5;a=b;c=d;e\r\nhello\r\n0;x=y\r\n\r\n'],
    ['5;a="\x80\xff \t\\\xff"\r\nhello\r\n0\r\n\r\n'],
    ['5;a=b \r\nhello\r\n0;c \r\n\r\n'], // whitespace before CRLF, as after a size
  ])('checks, then skips, the chunk extensions of %j (RFC 9112 §7.1.1)', (input) => {
    expect(decodes(input)).toEqual({ data: 'hello', trailers: [], rest: '' });
  });

  it('passes CR, LF and any bytes inside chunk data through', () => {
    expect(decodes('6\r\n\r\n0\r\n\r\r\n2\r\n\x00\xff\r\n0\r\n\r\n').data).toBe('\r\n0\r\n\r\x00\xff');
  });

  it('returns one trailer field', () => {
    expect(decodes('1\r\nx\r\n0\r\nX-Checksum: abc\r\n\r\n')).toEqual({ data: 'x', trailers: [['X-Checksum', 'abc']], rest: '' });
  });

  it('returns several trailer fields in order, trimmed, casing kept, repeats separate', () => {
    expect(decodes('0\r\nx-a: 1\r\nX-B:  two \t\r\nx-a: 3\r\n\r\nrest').trailers).toEqual([
      ['x-a', '1'],
      ['X-B', 'two'],
      ['x-a', '3'],
    ]);
  });

  it('with allowBareLf, takes LF alone after the size, after the data and in trailers', () => {
    const input = '5\nhello\n3;e\nabc\r\n0\nT: 1\n\nrest';
    expect(decodes(input, { allowBareLf: true })).toEqual({ data: 'helloabc', trailers: [['T', '1']], rest: 'rest' });
  });

  it('unfolds a folded trailer field by default (RFC 9112 §5.2); allowObsFold: false refuses it', () => {
    expect(decodes('0\r\nT: a\r\n  b\r\n\r\n').trailers).toEqual([['T', 'a b']]);
    expect(rejects('0\r\nT: a\r\n b\r\n\r\n', { allowObsFold: false })).toMatchObject({ code: 'ERR_INVALID_HEADER', offset: 9 });
  });

  it('accepts whitespace between the size and CRLF, as widely deployed parsers do', () => {
    // RFC 9112 only allows BWS before ';'; "25  \r\n" is in http_parser's test suite as accepted.
    expect(decodes('5  \r\nhello\r\n0 \r\n\r\n').data).toBe('hello');
  });
});

describe('ChunkedDecoder: data pieces', () => {
  /** Feeds `inputs` in turn (each when the decoder asks to read), collecting the data pieces. */
  function pieces(decoder: ChunkedDecoder, inputs: Uint8Array[]): { pieces: Uint8Array[]; result: ChunkedResult } {
    const out: Uint8Array[] = [];
    let next = 0;
    let step = decoder.resume(inputs[next++]);
    while (!step.done) {
      if (step.value.type === 'data') out.push(step.value.bytes);
      step = decoder.resume(step.value.type === 'read' ? inputs[next++] : undefined);
    }
    return { pieces: out, result: step.value };
  }

  it('all the chunk data of one input is one piece, a sub-view of the input (no copy)', () => {
    const input = bytesOf('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nnext');
    const { pieces: got, result } = pieces(new ChunkedDecoder(), [input]);
    expect(got.map(latin1)).toEqual(['hello world']);
    expect(got[0].buffer).toBe(input.buffer);
    expect(got[0].byteOffset).toBe(3);
    expect(result.remaining.buffer).toBe(input.buffer);
    expect(latin1(result.remaining)).toBe('next');
  });

  it('a read of many chunks gives one piece; a chunk cut by the read ends it and starts the next', () => {
    const chunk = (c: string) => `40\r\n${c.repeat(64)}\r\n`;
    const body = 'abcdefghij'.split('').map(chunk).join('') + '0\r\n\r\n';
    const cut = body.indexOf('f') + 10; // inside the data of the sixth chunk
    const { pieces: got } = pieces(new ChunkedDecoder(), [bytesOf(body.slice(0, cut)), bytesOf(body.slice(cut))]);
    expect(got.map(latin1)).toEqual(['abcde'.split('').map((c) => c.repeat(64)).join('') + 'f'.repeat(10), 'f'.repeat(54) + 'ghij'.split('').map((c) => c.repeat(64)).join('')]);
  });

  it('never changes bytes it handed out: a second body in the same input is joined after the first piece', () => {
    const input = bytesOf('3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n2\r\ngh\r\n2\r\nij\r\n0\r\n\r\n');
    const first = pieces(new ChunkedDecoder(), [input]);
    expect(first.pieces.map(latin1)).toEqual(['abcdef']);
    const second = pieces(new ChunkedDecoder(), [first.result.remaining]);
    expect(second.pieces.map(latin1)).toEqual(['ghij']);
    expect(second.pieces[0].buffer).toBe(input.buffer);
    expect(first.pieces.map(latin1)).toEqual(['abcdef']);
  });

  it('the driver every parser test uses fails a protocol that changes bytes it handed out', () => {
    // What the check in drive() catches: a piece yielded, then written over by a later step.
    class Overwriting extends Protocol<DataYield | ReadYield, null> {
      private piece: Uint8Array | undefined;
      protected advance(input: Input): Step<DataYield | ReadYield, null> {
        if (input instanceof Uint8Array) {
          this.piece = input;
          return { done: false, value: { type: 'data', bytes: input } };
        }
        if (this.piece === undefined) return READ;
        this.piece.fill(0x2a);
        return { done: true, value: null };
      }
    }
    expect(() => drive(new Overwriting(), [bytesOf('ab')])).toThrow('bytes handed out as "ab" changed later to "**"');
  });

  it('yields the data before an error, then throws it; the error shows the bytes as received', () => {
    const decoder = new ChunkedDecoder();
    const step = decoder.resume(bytesOf('3\r\nabc\r\n3\r\ndef\r\nz\r\n'));
    expect(step).toMatchObject({ done: false, value: { type: 'data' } });
    expect(latin1((step.value as { bytes: Uint8Array }).bytes)).toBe('abcdef');
    let error: ParseError | undefined;
    try {
      decoder.resume();
    } catch (e) {
      error = e as ParseError;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect(error!.offset).toBe(16);
    expect(error!.excerpt).toContain('3\\r\\ndef\\r\\n⟨z⟩');
  });

  it('do not hold a huge declared size: 13 hex digits then EOF is an IncompleteMessageError', () => {
    const input = 'fffffffffffff\r\nabc';
    expect(rejects(input)).toEqual({ name: 'IncompleteMessageError', code: 'ERR_INCOMPLETE_MESSAGE', offset: 18, data: 'abc' });
    const error = thrownWhole(input) as IncompleteMessageError;
    expect(error).toBeInstanceOf(IncompleteMessageError);
    expect(error.part).toBe('chunked body');
  });
});

describe('ChunkedDecoder: malformed input', () => {
  it.each([
    ['5\r\nhelloX', 8],
    ['5\r\nhello\rX', 9],
    ['5\r\nhello\n', 8], // strict: LF alone after the data
    ['5\r\nhello0\r\n\r\n', 8],
    ['5\r\nhello world\r\n0\r\n\r\n', 8],
  ])('checks the CRLF after the data: %j fails at %d', (input, offset) => {
    expect(rejects(input)).toMatchObject(invalidChunk(offset));
  });

  it.each([
    ['\r\n', 0],
    [';a=b\r\n', 0],
    [' 5\r\n', 0],
    ['g\r\n', 0],
    ['-5\r\n', 0],
    ['+5\r\n', 0],
    ['\n', 0],
    ['5\r\nhello\r\n\r\n', 10],
    ['5\r\nhello\r\nz\r\n', 10],
  ])('needs hex digits: %j fails at %d', (input, offset) => {
    expect(rejects(input)).toMatchObject(invalidChunk(offset));
  });

  it.each([
    ['0x5\r\n', 1],
    ['5 5\r\n', 2],
    ['5g\r\n', 1],
    ['5\rX', 2],
    ['5\r\r\n', 2],
    ['5;a\rb\r\n', 4],
    ['5;a\0\r\n', 3],
    ['5;a\x01\r\n', 3],
    ['5;\r\n', 2],
    ['5; \r\n', 3],
    ['5;;a\r\n', 2],
    ['5;\x80\r\n', 2],
    ['5;a:b\r\n', 3],
    ['5;a=\r\n', 4],
    ['5;a==b\r\n', 4],
    ['5;a=b c\r\n', 6],
    ['5;a=b"\r\n', 5],
    ['5;a="b\r\n', 6],
    ['5;a="\x01"\r\n', 5],
    ['5;a="\\\n"\r\n', 6],
    ['5\n', 1], // strict: LF alone after the size
    ['5;a\n', 3],
    ['0\n\r\n', 1],
  ])('checks the size line: %j fails at %d', (input, offset) => {
    expect(rejects(input)).toMatchObject(invalidChunk(offset));
  });

  it.each([
    ['ffffffffffffffff\r\n', 13],
    ['10000000000000\r\n', 13],
    ['00010000000000000\r\n', 16],
    ['fffffffffffffffffffffffffffffffffffffffffff\r\n', 13],
    // A size line after chunk data (whole, it is taken in one step up to 13 digits; split, byte by byte).
    ['1\r\na\r\n00010000000000000\r\n', 22],
    ['1\r\na\r\nffffffffffffffff\r\n', 19],
  ])('refuses more than 13 significant hex digits (no overflow): %j fails at %d', (input, offset) => {
    expect(rejects(input)).toMatchObject(invalidChunk(offset));
  });

  it('reports offsets relative to the offset option', () => {
    expect(rejects('5\r\nhelloX', { offset: 1000 })).toMatchObject(invalidChunk(1008));
    expect(rejects('5\r\nhel', { offset: 1000 })).toMatchObject({ name: 'IncompleteMessageError', offset: 1006 });
    expect(rejects('0\r\nBad Name: x\r\n\r\n', { offset: 50 })).toMatchObject({ code: 'ERR_INVALID_HEADER', offset: 56 });
  });

  it('puts what was expected, the offset and an escaped excerpt in the message', () => {
    const error = thrownWhole('5\r\nhello\x01\r\n') as ParseError;
    expect(error).toBeInstanceOf(ParseError);
    expect(error.offset).toBe(8);
    expect(error.message).toContain('at byte 8');
    expect(error.message).toContain('CRLF after the chunk data');
    expect(error.excerpt).toBe('5\\r\\nhello⟨\\x01⟩\\r\\n');
    expect(error.message).toContain(error.excerpt);
  });

  it('checks trailer fields like header fields', () => {
    expect(rejects('0\r\nBad Name: x\r\n\r\n')).toMatchObject({ code: 'ERR_INVALID_HEADER', offset: 6 });
    expect(rejects('0\r\n: x\r\n\r\n')).toMatchObject({ code: 'ERR_INVALID_HEADER', offset: 3 });
    expect(rejects('0\r\nT: a\0b\r\n\r\n')).toMatchObject({ code: 'ERR_INVALID_HEADER', offset: 7 });
    expect(rejects('0\r\nT: a\n\r\n')).toMatchObject({ code: 'ERR_INVALID_LINE_END', offset: 7 });
    expect(rejects('0\r\nT: a\r\n\n')).toMatchObject({ code: 'ERR_INVALID_LINE_END', offset: 9 });
    expect(rejects('0\r\n  folded\r\n\r\n')).toMatchObject({ code: 'ERR_INVALID_HEADER', offset: 3 });
  });
});

describe('ChunkedDecoder: EOF', () => {
  it.each([
    ['', 0, 'chunked body', ''],
    ['5', 1, 'chunked body', ''],
    ['5;ext', 5, 'chunked body', ''],
    ['5\r', 2, 'chunked body', ''],
    ['5\r\n', 3, 'chunked body', ''],
    ['5\r\nhel', 6, 'chunked body', 'hel'],
    ['5\r\nhello', 8, 'chunked body', 'hello'],
    ['5\r\nhello\r', 9, 'chunked body', 'hello'],
    ['5\r\nhello\r\n', 10, 'chunked body', 'hello'],
    ['5\r\nhello\r\n0', 11, 'chunked body', 'hello'],
    ['5\r\nhello\r\n0\r\n', 13, 'trailers', 'hello'],
    ['5\r\nhello\r\n0\r\nT: 1\r\n', 19, 'trailers', 'hello'],
    ['5\r\nhello\r\n0\r\nT: 1\r\n\r', 20, 'trailers', 'hello'],
  ])('%j then EOF: IncompleteMessageError at %d in the %s', (input, offset, part, data) => {
    expect(rejects(input)).toEqual({ name: 'IncompleteMessageError', code: 'ERR_INCOMPLETE_MESSAGE', offset, data });
    expect((thrownWhole(input) as IncompleteMessageError).part).toBe(part);
  });
});

describe('ChunkedDecoder: limits', () => {
  it('bounds the chunk-size line, extensions included (ERR_CHUNK_LINE_TOO_LONG)', () => {
    // The budget covers the line without its line end: a 10-byte line fits a limit of 10, an 11-byte one does not.
    expect(decodes('5;aaaaaaaa\r\nhello\r\n0;bbbbbbbb\r\n\r\n', { maxChunkLineSize: 10 }).data).toBe('hello');
    expect(decodes('5;aaaaaaaa\nhello\n0;bbbbbbbb\n\n', { maxChunkLineSize: 10, allowBareLf: true }).data).toBe('hello');
    expect(rejects('5;aaaaaaaaa\r\nhello\r\n0\r\n\r\n', { maxChunkLineSize: 10 })).toMatchObject({
      name: 'LimitError',
      code: 'ERR_CHUNK_LINE_TOO_LONG',
      offset: 10,
    });
    expect(rejects('5;aaaaaaaaaaaaaaaaaa\r\n', { maxChunkLineSize: 10 })).toMatchObject({ code: 'ERR_CHUNK_LINE_TOO_LONG', offset: 10 });
    expect(decodes('0000000005\r\nhello\r\n0\r\n\r\n', { maxChunkLineSize: 10 }).data).toBe('hello');
    // After chunk data too: exactly the limit is within it, one digit more is over it.
    expect(decodes('1\r\na\r\n005\r\nhello\r\n0\r\n\r\n', { maxChunkLineSize: 3 }).data).toBe('ahello');
    expect(rejects('1\r\na\r\n0005\r\nhello\r\n0\r\n\r\n', { maxChunkLineSize: 3 })).toMatchObject({ code: 'ERR_CHUNK_LINE_TOO_LONG', offset: 9 });
    expect(rejects('00000000005\r\n', { maxChunkLineSize: 10 })).toMatchObject({ code: 'ERR_CHUNK_LINE_TOO_LONG', offset: 10 });
    // Each line has its own budget.
    expect(rejects('1;aaaaaaa\r\nx\r\n1;bbbbbbbbb\r\ny\r\n', { maxChunkLineSize: 10 })).toMatchObject({ code: 'ERR_CHUNK_LINE_TOO_LONG', offset: 24 });
  });

  it('bounds the size line at 4 KiB by default', () => {
    const input = `1\r\nx\r\n0;${'e'.repeat(4095)}`;
    expect(rejects(input)).toMatchObject({ name: 'LimitError', code: 'ERR_CHUNK_LINE_TOO_LONG', offset: 6 + 4096 });
    const error = thrownWhole(input) as LimitError;
    expect(error).toBeInstanceOf(LimitError);
    expect(error.limit).toBe(4096);
    expect(error.status).toBe(400);
  });

  it('bounds the body (ERR_BODY_TOO_LARGE, status 413) at the chunk that goes over', () => {
    expect(decodes('5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n', { maxBodySize: 10 }).data).toBe('helloworld');
    expect(rejects('5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n', { maxBodySize: 10 })).toEqual({
      name: 'LimitError',
      code: 'ERR_BODY_TOO_LARGE',
      offset: 13,
      data: 'hello',
    });
    const error = thrownWhole('fffffffffffff\r\n', { maxBodySize: 1024 }) as LimitError;
    expect(error).toBeInstanceOf(LimitError);
    expect(error.status).toBe(413);
    expect(error.offset).toBe(15);
  });

  it('bounds the trailer section with the head limits', () => {
    expect(rejects('0\r\nA: 1\r\nB: 2\r\n\r\n', { maxHeaders: 1 })).toMatchObject({ name: 'LimitError', code: 'ERR_TOO_MANY_HEADERS', offset: 9 });
    expect(decodes('0\r\nA: 1\r\n\r\n', { maxHeaders: 1 }).trailers).toEqual([['A', '1']]);
    expect(rejects('0\r\nAbc: 123456\r\n\r\n', { maxHeadSize: 12 })).toMatchObject({ name: 'LimitError', code: 'ERR_HEAD_TOO_LARGE', offset: 15 });
    expect(decodes('0\r\nAbc: 1234\r\n\r\n', { maxHeadSize: 13 }).trailers).toEqual([['Abc', '1234']]);
  });
});

describe('ChunkedDecoder: as a Protocol', () => {
  it('is spent after completing or failing', () => {
    const done = new ChunkedDecoder();
    expect(done.resume(bytesOf('0\r\n\r\n')).done).toBe(true);
    expect(() => done.resume()).toThrow(expect.objectContaining({ name: 'UsageError', code: 'ERR_PROTOCOL_FINISHED' }));

    const failed = new ChunkedDecoder();
    expect(() => failed.resume(bytesOf('x'))).toThrow(ParseError);
    expect(() => failed.resume(bytesOf('0\r\n\r\n'))).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL_FINISHED' }));
  });

  it('takes an empty array as no data', () => {
    const d = new ChunkedDecoder();
    expect(d.resume(new Uint8Array(0))).toEqual({ done: false, value: { type: 'read' } });
    expect(d.resume(bytesOf('0\r\n\r\n')).done).toBe(true);
  });
});
