import fc from 'fast-check';
import { HttpError, LimitError, UsageError } from '../../lib/message/errors';
import { EOF, type Input } from '../../lib/protocol/protocol';
import { SseParser, type SseEvent, type SseParserOptions, type SseResult } from '../../lib/protocol/sse-parser';
import { bytesOf, utf8 } from '../support/bytes';
import { drive, driveAllSplits } from '../support/drive';

/** Runs the input every way it can be split; returns the events and the result (failing on an error). */
function parse(input: string | Uint8Array, options?: SseParserOptions): { events: SseEvent[]; result: SseResult } {
  const outcome = driveAllSplits(() => new SseParser(options), input);
  expect(outcome.error).toBeUndefined();
  return { events: outcome.yields.map((y) => (y as { event: SseEvent }).event), result: outcome.result as SseResult };
}

const events = (input: string | Uint8Array, options?: SseParserOptions): SseEvent[] => parse(input, options).events;
const datas = (input: string | Uint8Array, options?: SseParserOptions): string[] => events(input, options).map((e) => e.data);
const message = (data: string, more: Partial<SseEvent> = {}): SseEvent => ({ event: 'message', data, id: '', retry: undefined, ...more });

describe('the examples of the HTML standard', () => {
  it('joins the stock ticker lines into one message', () => {
    expect(parse('data: YHOO\ndata: +2\ndata: 10\n\n')).toEqual({
      events: [message('YHOO\n+2\n10')],
      result: { lastEventId: '', retry: undefined },
    });
  });

  it('fires nothing for a comment, sets and resets the last event ID, and keeps a second space', () => {
    const stream = ': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n';
    expect(events(stream)).toEqual([message('first event', { id: '1' }), message('second event'), message(' third event')]);
  });

  it('needs the blank line after the last block: the end of the stream does not dispatch', () => {
    const stream = ': test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n';
    expect(datas(stream)).toEqual(['first event', 'second event']);
  });

  it('gives the empty string for "data" and a newline for "data" twice; the unfinished block is dropped', () => {
    expect(datas('data\n\ndata\ndata\n\ndata:')).toEqual(['', '\n']);
    expect(datas('data\n\ndata\ndata\n\ndata:\n')).toEqual(['', '\n']);
  });

  it('reads "data:test" and "data: test" the same', () => {
    expect(datas('data:test\n\ndata: test\n\n')).toEqual(['test', 'test']);
  });
});

describe('fields', () => {
  it('skips comments anywhere in a block', () => {
    expect(datas(':\ndata: a\n: between\ndata: b\n:\n\n')).toEqual(['a\nb']);
  });

  it('sets the event type for one event only', () => {
    const got = events('event: add\ndata: 1\n\ndata: 2\n\nevent: a\nevent: b\ndata: 3\n\n');
    expect(got.map((e) => e.event)).toEqual(['add', 'message', 'b']);
  });

  it('resets the event type even when a block dispatches nothing', () => {
    expect(events('event: lost\n\ndata: x\n\n')).toEqual([message('x')]);
  });

  it('takes an empty event type as "message"', () => {
    expect(events('event\ndata: x\n\nevent:\ndata: y\n\n').map((e) => e.event)).toEqual(['message', 'message']);
  });

  it('does not dispatch a block without data', () => {
    expect(events('event: x\n\nid: 1\n\nretry: 5\n\n\n\n\n:\n\nfoo\n\n')).toEqual([]);
  });

  it('reads a field without a colon as having an empty value', () => {
    expect(datas('data\n\n')).toEqual(['']);
    expect(datas('data\ndata: x\ndata\n\n')).toEqual(['\nx\n']);
  });

  it('ignores unknown fields and is case-sensitive', () => {
    expect(datas('foo: bar\ndata: x\nDATA: y\nData: z\ndata : w\nretries: 1\n\n')).toEqual(['x']);
  });

  it('removes exactly one space after the colon and nothing else', () => {
    expect(datas('data:  two\n\ndata:\tx\n\ndata: \n\ndata:x \n\n')).toEqual([' two', '\tx', '', 'x ']);
    expect(events('event:  spaced\ndata: x\n\n')[0].event).toBe(' spaced');
  });

  it('splits on the first colon only', () => {
    expect(datas('data: a:b: c\n\ndata::\n\n')).toEqual(['a:b: c', ':']);
  });
});

describe('the last event ID', () => {
  it('persists across events without an id', () => {
    expect(events('id: 7\ndata: a\n\ndata: b\n\n').map((e) => e.id)).toEqual(['7', '7']);
  });

  it('is taken from anywhere in the block', () => {
    expect(events('data: a\nid: 3\n\n')).toEqual([message('a', { id: '3' })]);
  });

  it('is set by a blank line even when nothing is dispatched', () => {
    expect(parse('id: 1\n\n')).toEqual({ events: [], result: { lastEventId: '1', retry: undefined } });
  });

  it('ignores an id containing NUL', () => {
    const got = parse('id: 1\n\ndata: a\n\nid: 2\0x\ndata: b\n\nid: \0\n\n');
    expect(got.events.map((e) => e.id)).toEqual(['1', '1']);
    expect(got.result.lastEventId).toBe('1');
  });

  it('is not set by a block the stream ended in', () => {
    expect(parse('id: 1\ndata: a\n\nid: 2\ndata: b\n').result.lastEventId).toBe('1');
  });

  it('starts from the lastEventId option, which an empty id clears', () => {
    expect(parse('data: x\n\n', { lastEventId: 'abc' })).toEqual({
      events: [message('x', { id: 'abc' })],
      result: { lastEventId: 'abc', retry: undefined },
    });
    expect(events('id\ndata: x\n\n', { lastEventId: 'abc' })).toEqual([message('x')]);
  });

  it('keeps any text, including non-ASCII', () => {
    expect(events(utf8('id: é 1 😀\ndata: x\n\n'))[0].id).toBe('é 1 😀');
  });
});

describe('retry', () => {
  it('sets the reconnection time from ASCII digits, in effect from then on', () => {
    expect(parse('retry: 1500\ndata: a\n\ndata: b\n\nretry:007\n\n')).toEqual({
      events: [message('a', { retry: 1500 }), message('b', { retry: 1500 })],
      result: { lastEventId: '', retry: 7 },
    });
  });

  it('ignores anything but digits', () => {
    for (const value of ['10a', '', ' 10', '-1', '1.5', '1e3', '+1', '\u0663', '10 ']) {
      expect(parse(`retry: 5\nretry:${value === '' ? '' : ` ${value}`}\ndata: x\n\n`).result.retry).toBe(5);
    }
    expect(parse('retry\ndata: x\n\n').result.retry).toBeUndefined();
  });

  it('is in effect even if its block is never dispatched', () => {
    expect(parse('data: a\nretry: 9\n').result).toEqual({ lastEventId: '', retry: 9 });
  });
});

describe('line ends', () => {
  it('takes CRLF, LF and CR alike', () => {
    expect(datas('data: a\r\ndata: b\r\n\r\n')).toEqual(['a\nb']);
    expect(datas('data: a\rdata: b\r\r')).toEqual(['a\nb']);
    expect(datas('data: a\ndata: b\n\n')).toEqual(['a\nb']);
  });

  it('mixes them in one stream', () => {
    expect(datas('data: a\r\ndata: b\ndata: c\r\n\rdata: d\r\r\n')).toEqual(['a\nb\nc', 'd']);
  });

  it('takes LF then CR as two line ends', () => {
    expect(datas('data: a\n\rdata: b\n\n')).toEqual(['a', 'b']);
  });

  it('takes a CR at the end of one read and an LF at the start of the next as one line end', () => {
    const outcome = drive(new SseParser(), [bytesOf('data: a\r'), bytesOf('\ndata: b\r'), new Uint8Array(0), bytesOf('\n\r\n')]);
    expect(outcome.yields).toEqual([{ type: 'event', event: message('a\nb') }]);
    expect(outcome.result).toEqual({ lastEventId: '', retry: undefined });
  });
});

describe('decoding', () => {
  it('decodes UTF-8, with characters split across reads', () => {
    expect(events(utf8('event: ünï\ndata: é€😀\n\n'))).toEqual([{ event: 'ünï', data: 'é€😀', id: '', retry: undefined }]);
  });

  it('replaces invalid UTF-8 with U+FFFD', () => {
    expect(datas(bytesOf('data: a\xFFb\n\n'))).toEqual(['a\uFFFDb']);
    // A sequence cut short by the line end, and an encoded surrogate.
    expect(datas(bytesOf('data: \xE2\x82\ndata: \xED\xA0\x80\n\n'))).toEqual(['\uFFFD\n\uFFFD\uFFFD\uFFFD']);
  });

  it('strips one BOM at the start of the stream', () => {
    expect(datas(bytesOf('\xEF\xBB\xBFdata: x\n\n'))).toEqual(['x']);
    expect(datas(bytesOf('\xEF\xBB\xBF\ndata: x\n\n'))).toEqual(['x']);
  });

  it('keeps a second BOM, which then makes the first field unknown', () => {
    expect(datas(bytesOf('\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\ndata: y\n\n'))).toEqual(['y']);
  });

  it('keeps a BOM anywhere else', () => {
    expect(datas(bytesOf('\ndata: x\n\n\xEF\xBB\xBFdata: y\n\ndata: \xEF\xBB\xBFz\n\n'))).toEqual(['x', '\uFEFFz']);
  });
});

describe('the end of the stream', () => {
  it('drops a partial line and a block without its blank line', () => {
    expect(parse('data: a\n\ndata: b')).toEqual({ events: [message('a')], result: { lastEventId: '', retry: undefined } });
    expect(datas('data: a\n\ndata: b\n')).toEqual(['a']);
    expect(datas('data: a\n\ndata: b\r')).toEqual(['a']);
  });

  it('completes on an empty stream', () => {
    expect(parse('')).toEqual({ events: [], result: { lastEventId: '', retry: undefined } });
  });
});

describe('stepping', () => {
  it('yields the events of one read one per step, then asks to read', () => {
    const parser = new SseParser();
    expect(parser.resume()).toEqual({ done: false, value: { type: 'read' } });
    expect(parser.resume(bytesOf('id: 1\nretry: 3\ndata: a\n\ndata: b\n\ndata: c'))).toEqual({
      done: false,
      value: { type: 'event', event: message('a', { id: '1', retry: 3 }) },
    });
    expect(parser.lastEventId).toBe('1');
    expect(parser.retry).toBe(3);
    expect(parser.resume()).toEqual({ done: false, value: { type: 'event', event: message('b', { id: '1', retry: 3 }) } });
    expect(parser.resume()).toEqual({ done: false, value: { type: 'read' } });
    expect(parser.resume(bytesOf('\n\n'))).toEqual({ done: false, value: { type: 'event', event: message('c', { id: '1', retry: 3 }) } });
    expect(parser.resume()).toEqual({ done: false, value: { type: 'read' } });
    expect(parser.resume(EOF)).toEqual({ done: true, value: { lastEventId: '1', retry: 3 } });
  });

  it('refuses new input while events of the last one are left', () => {
    const parser = new SseParser();
    parser.resume(bytesOf('data: a\n\ndata: b\n\n'));
    expect(() => parser.resume(bytesOf('data: c\n\n'))).toThrow(UsageError);
  });

  it('feeds a read whole: every event it completes to the callback, the result at EOF', () => {
    const parser = new SseParser();
    const got: SseEvent[] = [];
    expect(parser.feed(bytesOf('id: 1\nretry: 3\ndata: a\n\ndata: b\n\ndata: c'), (e) => got.push(e))).toBeUndefined();
    expect(got).toEqual([message('a', { id: '1', retry: 3 }), message('b', { id: '1', retry: 3 })]);
    expect(parser.feed(bytesOf('\n\n'), (e) => got.push(e))).toBeUndefined();
    expect(got.map((e) => e.data)).toEqual(['a', 'b', 'c']);
    expect(parser.feed(EOF, () => {})).toEqual({ lastEventId: '1', retry: 3 });
  });

  it('hands out the events before a limit, then throws it and refuses more', () => {
    const parser = new SseParser({ maxLineLength: 8 });
    const got: string[] = [];
    expect(() => parser.feed(bytesOf('data: a\n\ndata: 123\n\n'), (e) => got.push(e.data))).toThrow(LimitError);
    expect(got).toEqual(['a']);
    expect(() => parser.feed(bytesOf('data: b\n\n'), () => {})).toThrow(UsageError);
    expect(() => parser.resume(bytesOf('data: b\n\n'))).toThrow(UsageError);
  });

  it('keeps the events after one whose callback threw for resume() to take', () => {
    const parser = new SseParser();
    expect(() =>
      parser.feed(bytesOf('data: a\n\ndata: b\n\n'), () => {
        throw new Error('consumer');
      }),
    ).toThrow('consumer');
    expect(() => parser.feed(bytesOf('data: c\n\n'), () => {})).toThrow(UsageError);
    expect(parser.resume()).toEqual({ done: false, value: { type: 'event', event: message('b') } });
  });
});

describe('limits', () => {
  const failure = (input: string | Uint8Array, options: SseParserOptions) => driveAllSplits(() => new SseParser(options), input);

  it('fails a line longer than maxLineLength, at the byte past the limit', () => {
    expect(events('data: 12\n\n', { maxLineLength: 8 })).toEqual([message('12')]);
    expect(failure('data: a\n\ndata: 123\n\n', { maxLineLength: 8 })).toMatchObject({
      yields: [{ type: 'event', event: message('a') }],
      error: { name: 'LimitError', code: 'ERR_SSE_TOO_LARGE', offset: 9 + 8 },
    });
  });

  it('fails a long line before it ends, and counts bytes, not characters', () => {
    expect(failure('data: 1234', { maxLineLength: 8 }).error).toEqual({ name: 'LimitError', code: 'ERR_SSE_TOO_LARGE', offset: 8 });
    expect(failure(utf8('\ndata:€€\n\n'), { maxLineLength: 8 }).error).toEqual({ name: 'LimitError', code: 'ERR_SSE_TOO_LARGE', offset: 9 });
  });

  it('fails data past maxEventSize at the start of the line that went past it', () => {
    expect(datas('data: abc\n\ndata: abc\n\n')).toEqual(['abc', 'abc']);
    expect(events('data: abc\n\ndata: ab\ndata\n\n', { maxEventSize: 4 }).map((e) => e.data)).toEqual(['abc', 'ab\n']);
    // Exactly the limit is within it: the data is its lines joined with LF, the last LF not counted.
    expect(datas('data: ab\ndata: c\n\n', { maxEventSize: 4 })).toEqual(['ab\nc']);
    expect(failure('data: ab\ndata: c\n\n', { maxEventSize: 3 }).error).toEqual({ name: 'LimitError', code: 'ERR_SSE_TOO_LARGE', offset: 9 });
    expect(datas(utf8('data: é€\n\n'), { maxEventSize: 5 })).toEqual(['é€']);
    expect(failure(utf8('data: é€\n\n'), { maxEventSize: 4 }).error).toEqual({ name: 'LimitError', code: 'ERR_SSE_TOO_LARGE', offset: 0 });
  });

  it('throws a LimitError with status 413 and the limit', () => {
    const parser = new SseParser({ maxEventSize: 2 });
    let error: unknown;
    try {
      parser.resume(bytesOf('data: abc\n'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: 'ERR_SSE_TOO_LARGE', status: 413, limit: 2, offset: 0 });
  });
});

describe('properties', () => {
  const tokens = ['data', 'data:', 'data: ', 'event:', 'id: ', 'retry:', 'retry: ', ':', ' ', '\r', '\n', '\r\n', '1', 'x', '\0',
    '\xEF\xBB\xBF', '\xE2\x82', '\xAC', '\xF0\x9F\x98\x80', '\xFF'].map(bytesOf);
  const streams = fc
    .array(fc.oneof(fc.constantFrom(...tokens), fc.uint8Array({ maxLength: 6 })), { maxLength: 40 })
    .map((parts) => {
      const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
      return out;
    });
  const cutsOf = fc.array(fc.nat(), { maxLength: 8 });
  const piecesOf = (input: Uint8Array, cuts: number[]): Uint8Array[] => {
    const at = [0, ...cuts.map((c) => c % (input.length + 1)).sort((a, b) => a - b), input.length];
    return at.slice(1).map((end, i) => input.subarray(at[i], end));
  };

  /** The standard read literally: decode the whole stream, split it into lines, interpret them. */
  function reference(input: Uint8Array): { yields: unknown[]; result: SseResult } {
    const lines = new TextDecoder().decode(input).split(/\r\n|\r|\n/);
    lines.pop(); // the unterminated rest
    const yields: unknown[] = [];
    let data = '';
    let type = '';
    let idBuffer = '';
    let lastEventId = '';
    let retry: number | undefined;
    for (const line of lines) {
      if (line === '') {
        lastEventId = idBuffer;
        if (data !== '') yields.push({ type: 'event', event: { event: type || 'message', data: data.slice(0, -1), id: lastEventId, retry } });
        data = type = '';
        continue;
      }
      const [, field, colon, value = ''] = /^([^:]*)(:? ?)(.*)$/s.exec(line)!;
      if (field === '' && colon !== '') continue;
      if (field === 'data') data += value + '\n';
      else if (field === 'event') type = value;
      else if (field === 'id' && !value.includes('\0')) idBuffer = value;
      else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
    }
    return { yields, result: { lastEventId, retry } };
  }

  it('matches a literal reading of the standard however the stream is split', () => {
    fc.assert(
      fc.property(streams, cutsOf, (input, cuts) => {
        const outcome = drive(new SseParser(), piecesOf(input, cuts));
        expect({ yields: outcome.yields, result: outcome.result }).toEqual(reference(input));
      }),
      { numRuns: 500 },
    );
  });

  it('feeds the same events as it yields, however the stream is split', () => {
    fc.assert(
      fc.property(streams, cutsOf, (input, cuts) => {
        const parser = new SseParser();
        const yields: unknown[] = [];
        for (const piece of piecesOf(input, cuts)) parser.feed(piece, (event) => yields.push({ type: 'event', event }));
        expect({ yields, result: parser.feed(EOF, () => {}) }).toEqual(reference(input));
      }),
      { numRuns: 500 },
    );
  });

  it('throws nothing but HttpErrors and always completes at EOF', () => {
    const limits = fc.record({ maxLineLength: fc.integer({ min: 0, max: 24 }), maxEventSize: fc.integer({ min: 0, max: 24 }) });
    fc.assert(
      fc.property(streams, cutsOf, limits, (input, cuts, options) => {
        const parser = new SseParser(options);
        const inputs: Input[] = [...piecesOf(input, cuts), EOF];
        let next: Input;
        try {
          for (let steps = 0; steps < 10_000; steps++) {
            const step = parser.resume(next);
            if (step.done) return;
            next = step.value.type === 'read' ? inputs.shift() : undefined;
            if (next === undefined && step.value.type === 'read') throw new Error('asked to read after EOF');
          }
          throw new Error('did not complete');
        } catch (error) {
          expect(error).toBeInstanceOf(HttpError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
