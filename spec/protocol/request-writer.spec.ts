import { HttpRequest } from '../../lib/message/request';
import { Http11Protocol } from '../../lib/protocol/http11-protocol';
import { ChunkedBodyWriter, COALESCE_LIMIT, LengthBodyWriter, requestBodyWriter } from '../../lib/protocol/request-writer';
import { pieces } from '../support/body';
import { latin1, utf8 as text } from '../support/bytes';
import { usageError } from '../support/failures';

describe('the request body writers', () => {
  it('chunked: a small piece is one write with its size line; an empty one writes nothing; the end is the last chunk', () => {
    const writer = new ChunkedBodyWriter();
    expect(writer.write(text('hello')).map(latin1)).toEqual(['5\r\nhello\r\n']);
    expect(writer.write(new Uint8Array(0))).toEqual([]);
    expect(writer.end().map(latin1)).toEqual(['0\r\n\r\n']);
  });

  it('chunked: a piece over the coalescing limit goes in three writes, the data uncopied', () => {
    const big = new Uint8Array(COALESCE_LIMIT + 1).fill(0x61);
    const writes = new ChunkedBodyWriter().write(big);
    expect(writes).toHaveLength(3);
    expect(latin1(writes[0])).toBe(`${big.length.toString(16)}\r\n`);
    expect(writes[1]).toBe(big);
    expect(latin1(writes[2])).toBe('\r\n');
    expect(new ChunkedBodyWriter().write(big.subarray(1))).toHaveLength(1);
  });

  it('Content-Length: pieces as they are; more or fewer bytes than declared is ERR_BODY_LENGTH_MISMATCH', () => {
    const exact = new LengthBodyWriter(5);
    const piece = text('abc');
    expect(exact.write(piece)[0]).toBe(piece);
    expect(exact.write(new Uint8Array(0))).toEqual([]);
    expect(latin1(exact.write(text('de'))[0])).toBe('de');
    expect(exact.end()).toEqual([]);

    const over = new LengthBodyWriter(2);
    usageError(() => over.write(text('abc')), 'ERR_BODY_LENGTH_MISMATCH');
    const under = new LengthBodyWriter(4);
    under.write(text('abc'));
    usageError(() => under.end(), 'ERR_BODY_LENGTH_MISMATCH');
  });

  it('a piece that is not a Uint8Array is ERR_INVALID_BODY, in either framing', () => {
    for (const writer of [new ChunkedBodyWriter(), new LengthBodyWriter(3)]) {
      usageError(() => writer.write('abc' as unknown as Uint8Array), 'ERR_INVALID_BODY');
    }
  });

  it('drives send-body by hand: what a protocol asks for, framed as the session frames it', async () => {
    for (const [headers, expected] of [
      [{}, 'Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n'],
      [{ 'Content-Length': '3' }, 'Content-Length: 3\r\n\r\nabc'],
    ] as const) {
      const request = HttpRequest.post('http://example.com/up', pieces('ab', 'c'), { headers });
      const protocol = new Http11Protocol(request);
      let wire = '';
      let step = protocol.resume();
      for (;;) {
        if (step.done) throw new Error('completed before reading');
        const y = step.value;
        if (y.type === 'write') wire += latin1(y.bytes);
        else if (y.type === 'send-body') {
          const writer = requestBodyWriter(protocol.request, y.chunked);
          for await (const piece of protocol.request.body as AsyncIterable<Uint8Array>) {
            for (const bytes of writer.write(piece)) wire += latin1(bytes);
          }
          for (const bytes of writer.end()) wire += latin1(bytes);
        } else break;
        step = protocol.resume();
      }
      expect(step.value).toEqual({ type: 'read' });
      expect(wire.slice(wire.indexOf('\r\n', wire.indexOf('Host:')) + 2)).toBe(expected);
    }
  });
});
