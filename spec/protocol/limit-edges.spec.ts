/**
 * Exactly the limit is within the limit, and one more is over it, for every bound of the HTTP/1 protocol with
 * its default values; leading zeros do not count toward the digit limits (RFC 9110 §8.6, RFC 9112 §7.1).
 * Small inputs go through every split, the 16 KiB ones through whole, byte by byte and a sample of cuts.
 */
import { defaultLimits } from '../../lib/protocol/limits';
import { bytesOf } from '../support/bytes';
import { driveSomeSplits } from '../support/drive';
import { fails, GET, h11, normalizeHttp1, ok, type Normal } from '../support/http1';

const fields = (n: number, prefix = 'H') => Array.from({ length: n }, (_, i) => `${prefix}${i}: v\r\n`).join('');
const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';

/** A large input through whole, byte by byte and cuts around `points`. */
function some(input: string, points: number[]): Normal {
  return normalizeHttp1(driveSomeSplits(h11(), bytesOf(input), points, normalizeHttp1));
}

describe('limits: exactly the default is within it', () => {
  it('a response with exactly 100 header fields; 101 is ERR_TOO_MANY_HEADERS', () => {
    expect(defaultLimits.maxHeaders).toBe(100);
    expect(ok(h11(), `HTTP/1.1 200 OK\r\n${fields(99)}Content-Length: 2\r\n\r\nhi`)).toMatchObject({ body: 'hi', keepAlive: true });
    expect(ok(h11(), `HTTP/1.1 200 OK\r\n${fields(99)}Content-Length: 2\r\n\r\nhi`).headers).toHaveLength(100);
    expect(fails(h11(), `HTTP/1.1 200 OK\r\n${fields(100)}Content-Length: 2\r\n\r\nhi`)).toMatchObject({ code: 'ERR_TOO_MANY_HEADERS' });
  });

  it('a trailer section with exactly 100 fields; 101 is ERR_TOO_MANY_HEADERS', () => {
    expect(ok(h11(), `${CHUNKED}2\r\nhi\r\n0\r\n${fields(100, 'T')}\r\n`).trailers).toHaveLength(100);
    expect(fails(h11(), `${CHUNKED}2\r\nhi\r\n0\r\n${fields(101, 'T')}\r\n`)).toMatchObject({ code: 'ERR_TOO_MANY_HEADERS' });
  });

  it('exactly 20 interim responses; 21 is ERR_TOO_MANY_INTERIM_RESPONSES', () => {
    const interim = (n: number) => 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n'.repeat(n);
    expect(ok(h11(), `${interim(20)}HTTP/1.1 204 No Content\r\n\r\n`).interim).toHaveLength(20);
    expect(fails(h11(), `${interim(21)}HTTP/1.1 204 No Content\r\n\r\n`)).toMatchObject({ code: 'ERR_TOO_MANY_INTERIM_RESPONSES' });
  });

  it('a head of exactly 16 KiB; one byte more is ERR_HEAD_TOO_LARGE at the first byte over', () => {
    const head = (size: number) => {
      const start = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: ';
      return `${start}${'a'.repeat(size - start.length - 4)}\r\n\r\n`;
    };
    expect(head(16 * 1024)).toHaveLength(16 * 1024);
    const edges = [16 * 1024 - 2, 16 * 1024 - 1, 16 * 1024];
    expect(some(head(16 * 1024), edges).result).toMatchObject({ status: 200, body: '' });
    expect(some(head(16 * 1024 + 1), edges).error).toEqual({ name: 'LimitError', code: 'ERR_HEAD_TOO_LARGE', offset: 16 * 1024 });
  });

  it('a chunk-size line of exactly 4 KiB, its line end aside; one byte more is ERR_CHUNK_LINE_TOO_LONG', () => {
    const line = (size: number) => `5;${'e'.repeat(size - 2)}`;
    expect(line(4096)).toHaveLength(4096);
    const input = (size: number) => `${CHUNKED}${line(size)}\r\nhello\r\n0\r\n\r\n`;
    const at = CHUNKED.length + 4096;
    expect(some(input(4096), [at - 1, at, at + 1]).result).toMatchObject({ body: 'hello' });
    expect(some(input(4097), [at - 1, at, at + 1]).error).toEqual({ name: 'LimitError', code: 'ERR_CHUNK_LINE_TOO_LONG', offset: at });
  });

  it('a body of exactly maxBodySize, however it is framed; one byte more is ERR_BODY_TOO_LARGE', () => {
    const limited = h11(GET(), { maxBodySize: 5 });
    expect(ok(limited, 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello').body).toBe('hello');
    expect(ok(limited, `${CHUNKED}2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n`).body).toBe('hello');
    expect(ok(limited, 'HTTP/1.1 200 OK\r\n\r\nhello').body).toBe('hello');
    expect(fails(limited, 'HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhello!')).toMatchObject({ code: 'ERR_BODY_TOO_LARGE' });
    expect(fails(limited, `${CHUNKED}2\r\nhe\r\n4\r\nllo!\r\n0\r\n\r\n`)).toMatchObject({ code: 'ERR_BODY_TOO_LARGE' });
    expect(fails(limited, 'HTTP/1.1 200 OK\r\n\r\nhello!')).toMatchObject({ code: 'ERR_BODY_TOO_LARGE' });
  });
});

describe('digit limits: leading zeros do not count', () => {
  const cl = (value: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${value}\r\n\r\n`;

  it('Content-Length 0000000000000005 is 5 (RFC 9110 §8.6: 1*DIGIT)', () => {
    expect(ok(h11(), `${cl('0000000000000005')}hello`)).toMatchObject({ body: 'hello', keepAlive: true, rest: '' });
    expect(ok(h11(), `${cl('00000000000000000000')}`)).toMatchObject({ body: '', keepAlive: true });
    expect(ok(h11(), `${cl('0005, 5')}hello`).body).toBe('hello');
  });

  it('15 significant digits after zeros are taken; 16 are ERR_INVALID_CONTENT_LENGTH', () => {
    const fifteen = cl('00000999999999999999');
    expect(fails(h11(), `${fifteen}abc`)).toEqual({ name: 'IncompleteMessageError', code: 'ERR_INCOMPLETE_MESSAGE', offset: fifteen.length + 3 });
    const sixteen = cl('00001000000000000000');
    expect(fails(h11(), `${sixteen}abc`)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_CONTENT_LENGTH', offset: sixteen.length });
  });

  it('a flood of zeros is bounded by the head limit', () => {
    const flood = `HTTP/1.1 200 OK\r\nContent-Length: ${'0'.repeat(20_000)}5\r\n\r\nhello`;
    expect(some(flood, [16 * 1024]).error).toEqual({ name: 'LimitError', code: 'ERR_HEAD_TOO_LARGE', offset: 16 * 1024 });
  });

  it('chunk size 0000000000000005 is 5 (RFC 9112 §7.1: 1*HEXDIG)', () => {
    expect(ok(h11(), `${CHUNKED}0000000000000005\r\nhello\r\n0000000000000000\r\n\r\n`)).toMatchObject({ body: 'hello', keepAlive: true });
  });

  it('13 significant hex digits after zeros are taken; 14 are ERR_INVALID_CHUNK', () => {
    const thirteen = `${CHUNKED}000fffffffffffff\r\n`;
    expect(fails(h11(), `${thirteen}abc`)).toEqual({ name: 'IncompleteMessageError', code: 'ERR_INCOMPLETE_MESSAGE', offset: thirteen.length + 3 });
    expect(fails(h11(), `${CHUNKED}00010000000000000\r\n`)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_CHUNK', offset: CHUNKED.length + 16 });
  });

  it('a flood of zeros in a chunk size is bounded by the chunk-line limit', () => {
    const flood = `${CHUNKED}${'0'.repeat(5000)}5\r\nhello\r\n0\r\n\r\n`;
    expect(some(flood, [CHUNKED.length + 4096])).toMatchObject({ error: { name: 'LimitError', code: 'ERR_CHUNK_LINE_TOO_LONG', offset: CHUNKED.length + 4096 } });
  });
});
