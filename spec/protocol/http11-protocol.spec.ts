import { HttpError, IncompleteMessageError, LimitError, ParseError, UsageError } from '../../lib/message/errors';
import { HttpRequest } from '../../lib/message/request';
import type { Http1Options, Http1Protocol, Http1Result, Http1Yield } from '../../lib/protocol/http1-protocol';
import { Http11Protocol } from '../../lib/protocol/http11-protocol';
import { EOF, type Input, type Step } from '../../lib/protocol/protocol';
import { bytesOf, latin1 } from '../support/bytes';
import { driveSomeSplits, splits } from '../support/drive';
import { fails, GET, h11, normalizeHttp1, ok, type ResultSummary, run } from '../support/http1';

/** Feeds `input` whole then EOF, and returns the error thrown (to look at fields the driver does not compare). */
function thrownWhole(make: () => Http1Protocol, input: string): HttpError {
  const p = make();
  let fed = false;
  try {
    let step = p.resume();
    for (let i = 0; i < 10_000 && !step.done; i++) {
      let next: Input = undefined;
      if (step.value.type === 'read') {
        next = fed ? EOF : bytesOf(input);
        fed = true;
      }
      step = p.resume(next);
    }
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected an error');
}

const OK_EMPTY = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';

describe('framing', () => {
  it('Content-Length: the body is that many bytes, the connection stays open', () => {
    expect(ok(h11(), 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello')).toEqual({
      version: '1.1',
      status: 200,
      reason: 'OK',
      headers: [['Content-Length', '5']],
      body: 'hello',
      trailers: [],
      interim: [],
      keepAlive: true,
      rest: '',
    });
  });

  it('Content-Length: bytes after the body are the rest of the stream', () => {
    const r = ok(h11(), 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 ');
    expect([r.body, r.rest, r.keepAlive]).toEqual(['hello', 'HTTP/1.1 ', true]);
  });

  it('Content-Length: 0 is an empty body', () => {
    const r = ok(h11(), `${OK_EMPTY}next`);
    expect([r.body, r.rest, r.keepAlive]).toEqual(['', 'next', true]);
  });

  it('Content-Length carries any bytes, CRLFs and NULs included', () => {
    expect(ok(h11(), 'HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n\r\n\r\n\0\xff\r\n').body).toBe('\r\n\r\n\0\xff\r\n');
  });

  it('chunked: the chunks are joined, the connection stays open', () => {
    const r = ok(h11(), 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\nNEXT');
    expect(r).toMatchObject({ status: 200, body: 'hello world', trailers: [], keepAlive: true, rest: 'NEXT' });
  });

  it('no framing field: the body runs to EOF and the connection is not reused', () => {
    const r = ok(h11(), 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this\r\n\r\nHTTP/1.1 200 OK\r\n');
    expect(r).toMatchObject({ body: 'all of this\r\n\r\nHTTP/1.1 200 OK\r\n', keepAlive: false, rest: '' });
    expect(ok(h11(), 'HTTP/1.1 200 OK\r\n\r\n')).toMatchObject({ body: '', keepAlive: false, rest: '' });
  });

  it('takes an HTTP/1.0 response to an HTTP/1.1 request', () => {
    expect(ok(h11(), 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi')).toMatchObject({ version: '1.0', body: 'hi', keepAlive: false });
    expect(ok(h11(), 'HTTP/1.0 200 OK\r\n\r\nto the end')).toMatchObject({ body: 'to the end', keepAlive: false });
  });

  it('copes with a body of many small chunks in one read (no recursion per chunk)', () => {
    const n = 20_000;
    const input = bytesOf(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'1\r\nx\r\n'.repeat(n)}0\r\n\r\n`);
    // Byte by byte tests nothing here (one chunk per read): whole and split reads are what used to overflow.
    const outcome = driveSomeSplits(h11(), input, [47, 48, input.length - 5], normalizeHttp1, { byteByByte: false, spread: 4 });
    expect((outcome.result as Http1Result).response.body).toHaveLength(n);
  });
});

describe('interim responses', () => {
  it('collects 100, 102 and 103 (with its fields), then parses the final response', () => {
    const input =
      'HTTP/1.1 100 Continue\r\n\r\n' +
      'HTTP/1.1 102 Processing\r\n\r\n' +
      'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\nLink: </app.js>; rel=preload\r\n\r\n' +
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    expect(ok(h11(), input)).toMatchObject({
      status: 200,
      body: 'ok',
      keepAlive: true,
      interim: [
        { status: 100, reason: 'Continue', headers: [] },
        { status: 102, reason: 'Processing', headers: [] },
        {
          status: 103,
          reason: 'Early Hints',
          headers: [
            ['Link', '</style.css>; rel=preload'],
            ['Link', '</app.js>; rel=preload'],
          ],
        },
      ],
    });
  });

  it('a 1xx has no content, whatever its fields say', () => {
    const r = ok(h11(), `HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\nHTTP/1.1 199 Whatever\r\nTransfer-Encoding: chunked\r\n\r\n${OK_EMPTY}`);
    expect([r.status, r.interim.map((i) => i.status), r.rest]).toEqual([200, [100, 199], '']);
  });

  it('101: completes at the end of the head, not reusable, the rest is the new protocol', () => {
    const input = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nContent-Length: 3\r\n\r\n\x81\x05hello';
    expect(ok(h11(), input)).toMatchObject({ status: 101, body: '', keepAlive: false, rest: '\x81\x05hello' });
    expect(ok(h11(), `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n\r\n`)).toMatchObject({
      status: 101,
      interim: [{ status: 100 }],
      rest: '',
    });
  });

  it('CONNECT 2xx: a tunnel; not reusable, the rest is the tunnel’s bytes (framing fields ignored)', () => {
    const connect = new HttpRequest('CONNECT', 'http://example.com:443/');
    const make = h11(connect, { requestTarget: 'example.com:443' });
    expect(ok(make, 'HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01\x00')).toMatchObject({
      status: 200,
      body: '',
      keepAlive: false,
      rest: '\x16\x03\x01\x00',
    });
    expect(ok(make, 'HTTP/1.1 204 OK\r\nContent-Length: 5\r\n\r\nabcde')).toMatchObject({ keepAlive: false, rest: 'abcde' });
    expect(ok(make, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz')).toMatchObject({ keepAlive: false, rest: 'xyz' });
  });

  it('CONNECT refused: an ordinary response', () => {
    const make = h11(new HttpRequest('CONNECT', 'http://example.com:443/'), { requestTarget: 'example.com:443' });
    expect(ok(make, 'HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\nauth')).toMatchObject({
      status: 407,
      body: 'auth',
      keepAlive: true,
      rest: '',
    });
  });
});

describe('responses without content', () => {
  const NEXT = 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx';

  it.each([
    ['Content-Length: 5'],
    ['Transfer-Encoding: chunked'],
    ['Content-Length: 5\r\nTransfer-Encoding: chunked'],
  ])('HEAD: no body despite %j; the next response is the rest', (field) => {
    expect(ok(h11(HttpRequest.head('http://example.com/')), `HTTP/1.1 200 OK\r\n${field}\r\n\r\n${NEXT}`)).toMatchObject({
      body: '',
      keepAlive: true,
      rest: NEXT,
    });
  });

  it('HEAD: a response without framing fields is not read to EOF', () => {
    expect(ok(h11(HttpRequest.head('http://example.com/')), 'HTTP/1.1 200 OK\r\n\r\n')).toMatchObject({ body: '', keepAlive: true });
  });

  it.each([
    ['204 No Content', ''],
    ['204 No Content', 'Content-Length: 5\r\n'],
    ['304 Not Modified', 'Content-Length: 100\r\n'],
    ['304 Not Modified', 'Transfer-Encoding: chunked\r\n'],
  ])('%s %j: no body, reusable, the next response is the rest', (status, fields) => {
    expect(ok(h11(), `HTTP/1.1 ${status}\r\n${fields}\r\n${NEXT}`)).toMatchObject({ body: '', keepAlive: true, rest: NEXT });
  });
});

describe('pipelined responses', () => {
  it('parses responses one after another from remaining + unread', () => {
    let stream =
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello' +
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nDigest: x\r\n\r\n' +
      'HTTP/1.1 304 Not Modified\r\nETag: "1"\r\n\r\n' +
      'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nend';
    const seen: Array<Partial<ResultSummary>> = [];
    for (let i = 0; i < 4; i++) {
      const r = ok(h11(), stream);
      seen.push({ status: r.status, body: r.body, trailers: r.trailers, keepAlive: r.keepAlive });
      stream = r.rest;
    }
    expect(seen).toEqual([
      { status: 200, body: 'hello', trailers: [], keepAlive: true },
      { status: 201, body: 'abc', trailers: [['Digest', 'x']], keepAlive: true },
      { status: 304, body: '', trailers: [], keepAlive: true },
      { status: 200, body: 'end', trailers: [], keepAlive: false },
    ]);
    expect(stream).toBe('');
  });
});

describe('trailers', () => {
  const chunked = (trailers: string) => `HTTP/1.1 200 OK\r\nTrailer: X-A\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n${trailers}\r\n`;

  it('none', () => {
    expect(ok(h11(), chunked('')).trailers).toEqual([]);
  });

  it('one', () => {
    expect(ok(h11(), chunked('X-A: 1\r\n')).trailers).toEqual([['X-A', '1']]);
  });

  it('several, in order, trimmed, repeats separate; the head fields are unchanged', () => {
    const r = ok(h11(), chunked('X-A:  1 \r\nx-b: 2\r\nX-A: 3\r\n'));
    expect(r.trailers).toEqual([['X-A', '1'], ['x-b', '2'], ['X-A', '3']]);
    expect(r.headers).toEqual([['Trailer', 'X-A'], ['Transfer-Encoding', 'chunked']]);
    expect(r.body).toBe('ok');
  });

  it('are bounded by maxHeaders and maxHeadSize', () => {
    const input = chunked('A: 1\r\nB: 2\r\nC: 3\r\n');
    const trailerStart = input.indexOf('A: 1');
    expect(fails(h11(GET(), { maxHeaders: 2 }), input)).toEqual({ name: 'LimitError', code: 'ERR_TOO_MANY_HEADERS', offset: trailerStart + 12 });
    // The head is 61 bytes; the trailer section is 72.
    const long = chunked(`X-Long: ${'a'.repeat(60)}\r\n`);
    expect(fails(h11(GET(), { maxHeadSize: 64 }), long)).toEqual({ name: 'LimitError', code: 'ERR_HEAD_TOO_LARGE', offset: trailerStart + 64 });
    expect(ok(h11(GET(), { maxHeadSize: 72 }), long).trailers).toEqual([['X-Long', 'a'.repeat(60)]]);
  });

  it('are checked like header fields', () => {
    const input = chunked('Bad Name: 1\r\n');
    expect(fails(h11(), input)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_HEADER', offset: input.indexOf(' Name') });
  });
});

describe('keep-alive', () => {
  const CLOSE_REQUEST = GET('http://example.com/', { headers: { Connection: 'close' } });

  it.each([
    ['HTTP/1.1, no Connection', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', true],
    ['Connection: keep-alive', 'HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n', true],
    ['Connection: closed (not the close token)', 'HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n', true],
    ['Connection: close', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', false],
    ['Connection: CLOSE', 'HTTP/1.1 200 OK\r\nconnection: CLOSE\r\nContent-Length: 0\r\n\r\n', false],
    ['Connection: foo, close', 'HTTP/1.1 200 OK\r\nConnection: foo, close\r\nContent-Length: 0\r\n\r\n', false],
    ['Connection: foo,close,', 'HTTP/1.1 200 OK\r\nConnection: foo,close,\r\nContent-Length: 0\r\n\r\n', false],
    ['close in a second Connection field', 'HTTP/1.1 200 OK\r\nConnection: foo\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', false],
    ['chunked with Connection: close', 'HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', false],
    ['read to close, even with keep-alive', 'HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nbody', false],
    ['HTTP/1.0 without keep-alive', 'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', false],
    ['HTTP/1.0 with Connection: keep-alive', 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n', true],
    ['HTTP/1.0 with Connection: Keep-Alive, foo', 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive, foo\r\nContent-Length: 0\r\n\r\n', true],
    ['HTTP/1.0 with keep-alive and close', 'HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n', false],
    ['HTTP/1.0 with keep-alive\xa0 (not OWS)', 'HTTP/1.0 200 OK\r\nConnection: keep-alive\xa0\r\nContent-Length: 0\r\n\r\n', false],
  ])('%s → %s', (_, input, keepAlive) => {
    expect(ok(h11(), input).keepAlive).toBe(keepAlive);
  });

  it('a request that says close is never reused', () => {
    expect(ok(h11(CLOSE_REQUEST), 'HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').keepAlive).toBe(false);
    const listed = GET('http://example.com/', { headers: [['Connection', 'te'], ['connection', 'Close']] });
    expect(ok(h11(listed), OK_EMPTY).keepAlive).toBe(false);
  });
});

describe('redirects', () => {
  const page = GET('http://example.com/dir/page?q=1');
  const redirect = (status: string, location?: string) =>
    ok(h11(page), `HTTP/1.1 ${status}\r\n${location === undefined ? '' : `Location: ${location}\r\n`}Content-Length: 0\r\n\r\n`).redirect;

  it.each([
    ['301 Moved Permanently', '/new', 'http://example.com/new', true],
    ['302 Found', 'other', 'http://example.com/dir/other', true],
    ['302 Found', '../up?x=1', 'http://example.com/up?x=1', true],
    ['303 See Other', 'https://example.com/x', 'https://example.com/x', false],
    ['307 Temporary Redirect', '//cdn.example.net/a', 'http://cdn.example.net/a', false],
    ['308 Permanent Redirect', 'http://example.com:80/p', 'http://example.com/p', true],
    ['308 Permanent Redirect', 'http://example.com:8080/p', 'http://example.com:8080/p', false],
    ['302 Found', '?page=2', 'http://example.com/dir/page?page=2', true],
    ['302 Found', '#frag', 'http://example.com/dir/page?q=1#frag', true],
    ['301 Moved Permanently', '/caf\xc3\xa9 x', 'http://example.com/caf%C3%A9%20x', true],
    ['301 Moved Permanently', 'HTTP://EXAMPLE.COM/Up', 'http://example.com/Up', true],
  ])('%s to %j → %s (same origin: %s)', (status, location, url, sameOrigin) => {
    expect(redirect(status, location)).toEqual({ url, sameOrigin });
  });

  it.each([
    ['300 Multiple Choices', '/a'],
    ['304 Not Modified', '/a'],
    ['201 Created', '/a'],
    ['305 Use Proxy', '/a'],
    ['302 Found', undefined],
    ['301 Moved Permanently', 'http://[bad'],
  ])('no redirect for %s with Location %j', (status, location) => {
    expect(redirect(status, location)).toBeUndefined();
  });
});

describe('Transfer-Encoding', () => {
  const te = (...fields: string[]) => `HTTP/1.1 200 OK\r\n${fields.map((f) => `Transfer-Encoding: ${f}\r\n`).join('')}\r\n`;
  const BODY = '3\r\nabc\r\n0\r\n\r\n';

  it.each([
    [['chunked']],
    [['Chunked']],
    [['gzip', 'chunked']],
    [['gzip, chunked']],
    [['gzip,chunked']],
    [[', gzip ,, chunked ,']],
    [['gzip', 'br, chunked']],
    [['gzip;level=1, chunked']],
    [['gzip ; level=1', 'chunked']],
  ])('%j is chunked', (fields) => {
    expect(ok(h11(), te(...fields) + BODY)).toMatchObject({ body: 'abc', keepAlive: true, rest: '' });
  });

  it.each([[['gzip']], [['identity']], [['gzip', 'deflate']], [['']]])('%j (no chunked) is read to close', (fields) => {
    expect(ok(h11(), te(...fields) + BODY)).toMatchObject({ body: BODY, keepAlive: false });
  });

  it.each([[['chunked, gzip']], [['chunked', 'gzip']], [['chunked', 'gzip, br']]])('%j (chunked not last) is read to close (RFC 9112 §6.3 rule 4)', (fields) => {
    expect(ok(h11(), te(...fields) + BODY)).toMatchObject({ body: BODY, keepAlive: false });
  });

  it.each([
    [['chunked, chunked']],
    [['chunked, chunked, gzip']],
    [['chunked', 'chunked']],
    [['chunked', 'gzip, chunked']],
    [['"chunked"']],
    [['chunked;q=1']],
    [['gzip chunked']],
    [['chunked\xa0']],
    [['\xa0chunked']],
  ])('%j is ERR_INVALID_TRANSFER_ENCODING, at the end of the head', (fields) => {
    const head = te(...fields);
    expect(fails(h11(), head + BODY)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_TRANSFER_ENCODING', offset: head.length });
  });

  it('with Content-Length is ERR_CONFLICTING_FRAMING by default, whatever the order', () => {
    const a = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n';
    const b = 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n';
    expect(fails(h11(), a + BODY)).toEqual({ name: 'ParseError', code: 'ERR_CONFLICTING_FRAMING', offset: a.length });
    expect(fails(h11(), b + BODY)).toEqual({ name: 'ParseError', code: 'ERR_CONFLICTING_FRAMING', offset: b.length });
  });

  it('with Content-Length under allowTransferEncodingWithContentLength: chunked, not reusable', () => {
    const make = h11(GET(), { allowTransferEncodingWithContentLength: true });
    expect(ok(make, `HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n${BODY}NEXT`)).toMatchObject({
      body: 'abc',
      keepAlive: false,
      rest: 'NEXT',
    });
    expect(ok(make, `HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: gzip\r\n\r\n${BODY}`)).toMatchObject({ body: BODY, keepAlive: false });
    // Content-Length is ignored, so not validated.
    expect(ok(make, `HTTP/1.1 200 OK\r\nContent-Length: nope\r\nTransfer-Encoding: chunked\r\n\r\n${BODY}`)).toMatchObject({ body: 'abc' });
  });
});

describe('Content-Length', () => {
  const cl = (...values: string[]) => `HTTP/1.1 200 OK\r\n${values.map((v) => `Content-Length: ${v}\r\n`).join('')}\r\n`;

  it.each([
    [['5']],
    [['5', '5']],
    [['5, 5']],
    [['5,5']],
    [['5 ,\t5']],
    [['005']],
    [['5', '05']],
  ])('%j is 5', (values) => {
    expect(ok(h11(), `${cl(...values)}hello!`)).toMatchObject({ body: 'hello', rest: '!' });
  });

  it.each([
    [['abc']],
    [['-1']],
    [['+5']],
    [['0x5']],
    [['5.0']],
    [['1e3']],
    [['']],
    [['5 5']],
    [['5,']],
    [[',5']],
    [['1234567890123456']],
    [['99999999999999999999999']],
    [['5, 6']],
    [['5', '6']],
    [['5', '5', '4']],
    [['\xbd']],
    [['5\xa0']],
    [['\xa05']],
    [['5,\xa05']],
  ])('%j is ERR_INVALID_CONTENT_LENGTH, at the end of the head', (values) => {
    const head = cl(...values);
    expect(fails(h11(), `${head}hello`)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_CONTENT_LENGTH', offset: head.length });
  });

  it('takes 15 digits (then waits for the bytes, allocating nothing)', () => {
    const head = cl('999999999999999');
    expect(fails(h11(), `${head}abc`)).toEqual({ name: 'IncompleteMessageError', code: 'ERR_INCOMPLETE_MESSAGE', offset: head.length + 3 });
  });
});

describe('malformed heads through the protocol', () => {
  it.each([
    ['HTTP/2.0 200 OK\r\n\r\n', 'ERR_INVALID_STATUS_LINE', 0],
    ['HTTP/1.1 20\r\n\r\n', 'ERR_INVALID_STATUS_LINE', 11],
    ['HTTP/1.1 2000\r\n\r\n', 'ERR_INVALID_STATUS_LINE', 12],
    ['ICY 200 OK\r\n\r\n', 'ERR_INVALID_STATUS_LINE', 0],
    ['HTTP/1.1200 OK\r\n\r\n', 'ERR_INVALID_STATUS_LINE', 8],
    ['HTTP/1.1 200 O\0K\r\n\r\n', 'ERR_INVALID_STATUS_LINE', 14],
    ['HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n', 'ERR_INVALID_HEADER', 20],
    ['HTTP/1.1 200 OK\r\nName : x\r\n\r\n', 'ERR_INVALID_HEADER', 21],
    ['HTTP/1.1 200 OK\r\n: x\r\n\r\n', 'ERR_INVALID_HEADER', 17],
    ['HTTP/1.1 200 OK\r\nX: a\x01\r\n\r\n', 'ERR_INVALID_HEADER', 21],
    ['HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n', 'ERR_INVALID_HEADER', 21],
    ['HTTP/1.1 200 OK\r\nX: a\rY: b\r\n\r\n', 'ERR_INVALID_HEADER', 21],
    ['HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n', 'ERR_INVALID_LINE_END', 15],
    ['HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n', 'ERR_INVALID_LINE_END', 34],
    ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n', 'ERR_INVALID_LINE_END', 36],
  ])('%j: %s at byte %d', (input, code, offset) => {
    expect(fails(h11(), input)).toEqual({ name: 'ParseError', code, offset });
  });

  it('accepts a status line without a reason, or with an empty one', () => {
    expect(ok(h11(), 'HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n')).toMatchObject({ status: 200, reason: '' });
    expect(ok(h11(), 'HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n')).toMatchObject({ status: 200, reason: '' });
  });

  it('trims field values, keeps name casing, keeps repeated fields as separate entries in order', () => {
    const r = ok(h11(), 'HTTP/1.1 200 OK\r\nX-A: \t v  \r\nSet-Cookie: a=1\r\nx-a:w\r\nset-cookie: b=2\r\nContent-Length: 0\r\n\r\n');
    expect(r.headers).toEqual([
      ['X-A', 'v'],
      ['Set-Cookie', 'a=1'],
      ['x-a', 'w'],
      ['set-cookie', 'b=2'],
      ['Content-Length', '0'],
    ]);
  });

  it('unfolds obs-fold continuation lines by default, each into one space (RFC 9112 §5.2: a user agent MUST)', () => {
    const input = 'HTTP/1.1 200 OK\r\nX: a \r\n  b\r\n\tc\r\nContent-Length: 0\r\n\r\n';
    expect(ok(h11(), input).headers).toEqual([['X', 'a b c'], ['Content-Length', '0']]);
    expect(ok(h11(GET(), { allowObsFold: true }), input).headers).toEqual([['X', 'a b c'], ['Content-Length', '0']]);
  });

  it('with allowObsFold: false, refuses obs-fold at the folded line', () => {
    expect(fails(h11(GET(), { allowObsFold: false }), 'HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n')).toEqual({ name: 'ParseError', code: 'ERR_INVALID_HEADER', offset: 23 });
    const trailer = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: a\r\n b\r\n\r\n';
    expect(fails(h11(GET(), { allowObsFold: false }), trailer)).toMatchObject({ code: 'ERR_INVALID_HEADER', offset: trailer.indexOf(' b') });
    expect(ok(h11(), trailer).trailers).toEqual([['T', 'a b']]);
  });

  it('refuses a continuation line before the first field, even by default (RFC 9112 §2.2)', () => {
    expect(fails(h11(), 'HTTP/1.1 200 OK\r\n X: a\r\n\r\n')).toEqual({ name: 'ParseError', code: 'ERR_INVALID_HEADER', offset: 17 });
  });

  it('with allowBareLf, takes LF alone in the head, the chunk lines and the trailers', () => {
    const input = 'HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n5\nhello\n3;x\r\nabc\n0\nT: 1\n\nNEXT';
    expect(ok(h11(GET(), { allowBareLf: true }), input)).toMatchObject({ body: 'helloabc', trailers: [['T', '1']], rest: 'NEXT', keepAlive: true });
    expect(fails(h11(), input)).toMatchObject({ code: 'ERR_INVALID_LINE_END', offset: 15 });
    const strictChunks = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n';
    expect(fails(h11(), strictChunks)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_CHUNK', offset: strictChunks.indexOf('5\n') + 1 });
  });

  it('reports chunk errors at their offset in the stream', () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    expect(fails(h11(), `${head}5\r\nhelloX`)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_CHUNK', offset: head.length + 8 });
    expect(fails(h11(), `${head}ffffffffffffffff\r\n`)).toEqual({ name: 'ParseError', code: 'ERR_INVALID_CHUNK', offset: head.length + 13 });
  });
});

describe('EOF', () => {
  it.each([
    ['', 'head', 0],
    ['HTTP/1.1 200 OK\r\nContent-Le', 'head', 27],
    ['HTTP/1.1 200 OK\r\nContent-Length: 1\r\n', 'head', 36],
    ['HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r', 'head', 37],
    ['HTTP/1.1 100 Continue\r\n\r\n', 'head', 25],
    ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', 'body', 39],
    ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello', 'body', 44],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', 'chunked body', 47],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', 'chunked body', 53],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n', 'chunked body', 57],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n', 'trailers', 50],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: 1\r\n', 'trailers', 56],
  ])('%j then EOF: IncompleteMessageError in the %s at byte %d', (input, part, offset) => {
    expect(fails(h11(), input)).toEqual({ name: 'IncompleteMessageError', code: 'ERR_INCOMPLETE_MESSAGE', offset });
    const error = thrownWhole(h11(), input) as IncompleteMessageError;
    expect(error).toBeInstanceOf(IncompleteMessageError);
    expect(error.part).toBe(part);
    expect(error.message).toContain(part);
    expect(error.message).toContain(`at byte ${offset}`);
  });

  it('says how much of a Content-Length body came', () => {
    expect(thrownWhole(h11(), 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello').message).toContain('5 of 10 bytes');
  });

  it('ends a read-to-close body: complete, not reusable', () => {
    expect(ok(h11(), 'HTTP/1.1 200 OK\r\n\r\npartial')).toMatchObject({ body: 'partial', keepAlive: false });
  });

  it('without EOF, an incomplete response just waits for bytes', () => {
    expect(run(h11(), 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello', { eof: false })).toEqual({ yields: [{ type: 'read' }], data: '' });
  });
});

describe('streaming mode', () => {
  const STREAM = { stream: true };

  it('Content-Length: yields the head once, then data pieces that join to the body', () => {
    const n = run(h11(GET(), STREAM), 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello worldNEXT');
    expect(n.yields).toEqual([{ type: 'head', status: 200 }]);
    expect(n.data).toBe('hello world');
    expect(n.result).toMatchObject({ status: 200, body: '', keepAlive: true, rest: 'NEXT' });
  });

  it('chunked: data pieces, then completion with the trailers', () => {
    const n = run(h11(GET(), STREAM), 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nT: 1\r\n\r\n');
    expect(n.yields).toEqual([{ type: 'head', status: 200 }]);
    expect(n.data).toBe('hello world');
    expect(n.result).toMatchObject({ body: '', trailers: [['T', '1']], keepAlive: true });
  });

  it('read to close: data until EOF', () => {
    const n = run(h11(GET(), STREAM), 'HTTP/1.1 200 OK\r\n\r\nto the end');
    expect([n.yields, n.data, n.result?.keepAlive]).toEqual([[{ type: 'head', status: 200 }], 'to the end', false]);
  });

  it('yields the head of the final response only (not of 1xx), even without content', () => {
    const n = run(h11(GET(), STREAM), `HTTP/1.1 103 Early Hints\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n`);
    expect(n.yields).toEqual([{ type: 'head', status: 204 }]);
    expect(n.data).toBe('');
    expect(n.result).toMatchObject({ status: 204, interim: [{ status: 103 }] });
  });

  it('hands out sub-views of the input, not copies, when the input comes whole', () => {
    for (const text of [
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\n\r\nhello',
    ]) {
      const input = bytesOf(text);
      const p = new Http11Protocol(GET(), STREAM);
      const pieces: Uint8Array[] = [];
      let head: unknown;
      let fed = false;
      let step: Step<Http1Yield, Http1Result> = p.resume();
      while (!step.done) {
        const y = step.value;
        let next: Input = undefined;
        if (y.type === 'data') pieces.push(y.bytes);
        else if (y.type === 'head') head = y.response;
        else if (y.type === 'read') {
          next = fed ? EOF : input;
          fed = true;
        }
        step = p.resume(next);
      }
      expect(pieces.map(latin1).join('')).toBe('hello');
      for (const piece of pieces) expect(piece.buffer).toBe(input.buffer);
      expect(step.value.response).toBe(head);
    }
  });

  it('is the same response as the buffered mode, bar the body', () => {
    const input = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX: 1\r\n\r\n3\r\nabc\r\n0\r\nT: 2\r\n\r\n';
    const streamed = run(h11(GET(), STREAM), input);
    const buffered = ok(h11(), input);
    expect({ ...streamed.result, body: streamed.data }).toEqual(buffered);
  });
});

describe('Expect: 100-continue', () => {
  const BODY = 'the body';
  const HEAD = `POST /up HTTP/1.1\r\nHost: example.com\r\nExpect: 100-continue\r\nContent-Length: ${BODY.length}\r\n\r\n`;
  const request = () => HttpRequest.post('http://example.com/up', BODY, { headers: { Expect: '100-continue' } });

  interface Exchange {
    writes: string[];
    /** Response bytes fed before the body was written (-1: never written). */
    bodyAfter: number;
    result?: Partial<ResultSummary>;
    error?: { code: unknown; offset: unknown };
  }

  /**
   * Feeds the response `pieces` at each read and await-continue (never timing out), then EOF, recording the
   * writes and how many response bytes had been fed when the body went out.
   */
  function exchange(make: () => Http1Protocol, pieces: Uint8Array[]): Exchange {
    const p = make();
    const out: Exchange = { writes: [], bodyAfter: -1 };
    let fed = 0;
    let next = 0;
    let input: Input = undefined;
    try {
      for (let steps = 0; steps < 10_000; steps++) {
        const step = p.resume(input);
        input = undefined;
        if (step.done) {
          const r = normalizeHttp1({ yields: [], data: '', result: step.value, unread: pieces.slice(next).map(latin1).join('') }).result!;
          out.result = { status: r.status, body: r.body, keepAlive: r.keepAlive, rest: r.rest, interim: r.interim };
          return out;
        }
        const y = step.value;
        if (y.type === 'write') {
          out.writes.push(latin1(y.bytes));
          if (out.writes.length === 2) out.bodyAfter = fed;
        } else if (y.type === 'read' || y.type === 'await-continue') {
          if (next < pieces.length) {
            input = pieces[next++];
            fed += input.length;
          } else if (y.type === 'read') input = EOF;
          else throw new Error('await-continue after the whole response was fed');
        }
      }
    } catch (error) {
      const e = error as HttpError & { offset?: number };
      out.error = { code: e.code, offset: e.offset };
      return out;
    }
    throw new Error('no end');
  }

  function everySplit(make: () => Http1Protocol, response: string): Exchange[] {
    return splits(bytesOf(response)).map(({ pieces }) => exchange(make, pieces));
  }

  it('writes the head alone and waits; after 100 Continue the body is written, then the final response is read', () => {
    const continued = 'HTTP/1.1 100 Continue\r\n\r\n';
    const response = `${continued}HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok`;
    for (const e of everySplit(() => new Http11Protocol(request()), response)) {
      expect(e.writes).toEqual([HEAD, BODY]);
      expect(e.bodyAfter).toBeGreaterThanOrEqual(continued.length);
      expect(e.result).toEqual({ status: 200, body: 'ok', keepAlive: true, rest: '', interim: [{ status: 100, reason: 'Continue', headers: [] }] });
    }
  });

  it('writes the very body array (a large one is not copied)', () => {
    const big = new Uint8Array(40_000).fill(0x61);
    const p = new Http11Protocol(HttpRequest.put('http://example.com/', big, { headers: { expect: '100-Continue' } }));
    expect(p.resume()).toMatchObject({ value: { type: 'write' } });
    expect(p.resume()).toEqual({ done: false, value: { type: 'await-continue' } });
    const step = p.resume(bytesOf('HTTP/1.1 100 Continue\r\n\r\n'));
    expect(step.done).toBe(false);
    expect((step.value as { bytes: Uint8Array }).bytes).toBe(big);
  });

  it.each([
    ['417 Expectation Failed', 'Content-Length: 0', ''],
    ['401 Unauthorized', 'Content-Length: 4', 'nope'],
    ['413 Content Too Large', 'Connection: keep-alive\r\nContent-Length: 0', ''],
  ])('a final %s before 100: the body is never written, the connection not reused', (status, fields, body) => {
    const response = `HTTP/1.1 ${status}\r\n${fields}\r\n\r\n${body}`;
    for (const e of everySplit(() => new Http11Protocol(request()), response)) {
      expect(e.writes).toEqual([HEAD]);
      expect(e.result).toMatchObject({ status: Number(status.slice(0, 3)), body, keepAlive: false, rest: '' });
    }
  });

  it('resuming with undefined at await-continue (a timeout) writes the body, then reads the response', () => {
    const p = new Http11Protocol(request());
    expect(latin1((p.resume().value as { bytes: Uint8Array }).bytes)).toBe(HEAD);
    expect(p.resume()).toEqual({ done: false, value: { type: 'await-continue' } });
    const body = p.resume();
    expect(body.done).toBe(false);
    expect(latin1((body.value as { bytes: Uint8Array }).bytes)).toBe(BODY);
    expect(p.resume()).toEqual({ done: false, value: { type: 'read' } });
    const done = p.resume(bytesOf('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n'));
    expect(done.done).toBe(true);
    const r = done.value as Http1Result;
    expect([r.response.status, r.response.interim.map((i) => i.status), r.keepAlive]).toEqual([201, [100], true]);
  });

  it('a timeout while part of the 100 is in: the body goes out, the 100 is finished later', () => {
    const p = new Http11Protocol(request());
    p.resume();
    expect(p.resume()).toEqual({ done: false, value: { type: 'await-continue' } });
    expect(p.resume(bytesOf('HTTP/1.1 10'))).toEqual({ done: false, value: { type: 'await-continue' } });
    expect(p.resume()).toMatchObject({ done: false, value: { type: 'write' } });
    expect(p.resume()).toEqual({ done: false, value: { type: 'read' } });
    const done = p.resume(bytesOf('0 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    expect(done.done && [done.value.response.status, done.value.response.interim.length, done.value.keepAlive]).toEqual([200, 1, true]);
  });

  it('a streamed body goes out as send-body after 100 Continue', () => {
    const p = new Http11Protocol(
      HttpRequest.post('http://example.com/', (async function* () {})(), { headers: { Expect: '100-continue' } }),
    );
    expect(latin1((p.resume().value as { bytes: Uint8Array }).bytes)).toContain('Transfer-Encoding: chunked\r\n');
    expect(p.resume()).toEqual({ done: false, value: { type: 'await-continue' } });
    expect(p.resume(bytesOf('HTTP/1.1 100 Continue\r\n\r\n'))).toEqual({ done: false, value: { type: 'send-body', chunked: true } });
    expect(p.resume()).toEqual({ done: false, value: { type: 'read' } });
  });

  it('EOF while waiting is an IncompleteMessageError', () => {
    const p = new Http11Protocol(request());
    p.resume();
    p.resume();
    expect(() => p.resume(EOF)).toThrow(IncompleteMessageError);
  });
});

describe('limits', () => {
  it('a head over maxHeadSize is ERR_HEAD_TOO_LARGE (431) at the first byte over', () => {
    const input = `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(100)}\r\n\r\n`;
    expect(fails(h11(GET(), { maxHeadSize: 64 }), input)).toEqual({ name: 'LimitError', code: 'ERR_HEAD_TOO_LARGE', offset: 64 });
    // The limit is per head: a 1xx before does not count against the final one.
    const interim = 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n';
    expect(fails(h11(GET(), { maxHeadSize: 64 }), interim + input)).toEqual({ name: 'LimitError', code: 'ERR_HEAD_TOO_LARGE', offset: interim.length + 64 });
    expect(ok(h11(GET(), { maxHeadSize: 40 }), interim + OK_EMPTY).status).toBe(200);
  });

  it('the default head limit is 16 KiB', () => {
    const head = (size: number) => `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(size - 43)}\r\nContent-Length: 0\r\n\r\n`;
    expect(head(16 * 1024)).toHaveLength(16 * 1024);
    const accepted = driveSomeSplits(h11(), bytesOf(head(16 * 1024)), [16383], normalizeHttp1);
    expect((accepted.result as Http1Result).response.status).toBe(200);
    const refused = driveSomeSplits(h11(), bytesOf(head(16 * 1024 + 1)), [16384], normalizeHttp1);
    expect(refused.error).toEqual({ name: 'LimitError', code: 'ERR_HEAD_TOO_LARGE', offset: 16 * 1024 });
    const error = thrownWhole(h11(), head(16 * 1024 + 1)) as LimitError;
    expect(error).toBeInstanceOf(LimitError);
    expect([error.status, error.limit, error.offset]).toEqual([431, 16384, 16384]);
  });

  it('more than maxHeaders fields is ERR_TOO_MANY_HEADERS; the default is 100', () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `F${i}: ${i}\r\n`).join('');
    expect(ok(h11(GET(), { maxHeaders: 3 }), `HTTP/1.1 200 OK\r\n${fields(2)}Content-Length: 0\r\n\r\n`).headers).toHaveLength(3);
    const input = `HTTP/1.1 200 OK\r\n${fields(3)}Content-Length: 0\r\n\r\n`;
    expect(fails(h11(GET(), { maxHeaders: 3 }), input)).toEqual({ name: 'LimitError', code: 'ERR_TOO_MANY_HEADERS', offset: input.indexOf('Content-Length') });
    const some = (text: string) => normalizeHttp1(driveSomeSplits(h11(), bytesOf(text), [17, 18, text.length - 20], normalizeHttp1));
    expect(some(`HTTP/1.1 200 OK\r\n${fields(99)}Content-Length: 0\r\n\r\n`).result?.headers).toHaveLength(100);
    const over = `HTTP/1.1 200 OK\r\n${fields(100)}Content-Length: 0\r\n\r\n`;
    expect(some(over).error).toEqual({ name: 'LimitError', code: 'ERR_TOO_MANY_HEADERS', offset: over.indexOf('Content-Length') });
  });

  it('a Content-Length over maxBodySize is refused at the head (413), before any body byte', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n';
    expect(fails(h11(GET(), { maxBodySize: 10 }), `${head}hello world`)).toEqual({ name: 'LimitError', code: 'ERR_BODY_TOO_LARGE', offset: head.length });
    expect(fails(h11(GET(), { maxBodySize: 10 }), head)).toEqual({ name: 'LimitError', code: 'ERR_BODY_TOO_LARGE', offset: head.length });
    expect(ok(h11(GET(), { maxBodySize: 11 }), `${head}hello world`).body).toBe('hello world');
    expect((thrownWhole(h11(GET(), { maxBodySize: 10 }), head) as LimitError).status).toBe(413);
  });

  it('a read-to-close body over maxBodySize fails at the first byte over', () => {
    const head = 'HTTP/1.1 200 OK\r\n\r\n';
    expect(fails(h11(GET(), { maxBodySize: 5 }), `${head}abcdefgh`)).toEqual({ name: 'LimitError', code: 'ERR_BODY_TOO_LARGE', offset: head.length + 5 });
    expect(ok(h11(GET(), { maxBodySize: 5 }), `${head}abcde`).body).toBe('abcde');
  });

  it('a chunked body over maxBodySize fails at the chunk that goes over', () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    const body = '3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n';
    expect(fails(h11(GET(), { maxBodySize: 5 }), head + body)).toEqual({ name: 'LimitError', code: 'ERR_BODY_TOO_LARGE', offset: head.length + 11 });
    expect(ok(h11(GET(), { maxBodySize: 6 }), head + body).body).toBe('abcdef');
  });

  it('more than maxInterimResponses 1xx is ERR_TOO_MANY_INTERIM_RESPONSES; the default is 20', () => {
    const hint = 'HTTP/1.1 103 Early Hints\r\n\r\n';
    expect(ok(h11(GET(), { maxInterimResponses: 2 }), hint.repeat(2) + OK_EMPTY).interim).toHaveLength(2);
    expect(fails(h11(GET(), { maxInterimResponses: 2 }), hint.repeat(3) + OK_EMPTY)).toEqual({
      name: 'LimitError',
      code: 'ERR_TOO_MANY_INTERIM_RESPONSES',
      offset: hint.length * 3,
    });
    const some = (text: string) => normalizeHttp1(driveSomeSplits(h11(), bytesOf(text), [hint.length, hint.length * 20 + 1], normalizeHttp1));
    expect(some(hint.repeat(20) + OK_EMPTY).result?.interim).toHaveLength(20);
    expect(some(hint.repeat(21) + OK_EMPTY).error).toEqual({ name: 'LimitError', code: 'ERR_TOO_MANY_INTERIM_RESPONSES', offset: hint.length * 21 });
  });

  it('an undefined option keeps the default', () => {
    expect(fails(h11(GET(), { maxHeadSize: undefined, maxHeaders: 1 } as Http1Options), 'HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n')).toMatchObject({
      code: 'ERR_TOO_MANY_HEADERS',
    });
  });
});

describe('resume', () => {
  it('after completion throws UsageError ERR_PROTOCOL_FINISHED', () => {
    const p = new Http11Protocol(GET());
    p.resume();
    p.resume();
    expect(p.resume(bytesOf(OK_EMPTY)).done).toBe(true);
    for (const input of [undefined, bytesOf('x'), EOF] as Input[]) {
      let error: unknown;
      try {
        p.resume(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect(error).toMatchObject({ code: 'ERR_PROTOCOL_FINISHED', name: 'UsageError' });
      expect((error as Error).message).toContain('Http11Protocol has already completed');
    }
  });

  it('after an error throws UsageError ERR_PROTOCOL_FINISHED', () => {
    const p = new Http11Protocol(GET());
    p.resume();
    p.resume();
    expect(() => p.resume(bytesOf('garbage\r\n'))).toThrow(ParseError);
    expect(() => p.resume(bytesOf(OK_EMPTY))).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL_FINISHED', message: expect.stringContaining('failed') }));
  });

  it('after a usage error in the request throws ERR_PROTOCOL_FINISHED', () => {
    const p = new Http11Protocol(new HttpRequest('BAD METHOD', 'http://example.com/'));
    expect(() => p.resume()).toThrow(UsageError);
    expect(() => p.resume()).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL_FINISHED' }));
  });

  it.each([
    ['a string', 'HTTP/1.1 200 OK'],
    ['null', null],
    ['a number', 42],
    ['an array', [72, 84]],
    ['an ArrayBuffer', new ArrayBuffer(4)],
    ['a DataView', new DataView(new ArrayBuffer(4))],
    ['another symbol', Symbol('EOF')],
    ['an object', { type: 'read' }],
  ])('refuses %s with ERR_INVALID_INPUT', (_, input) => {
    const p = new Http11Protocol(GET());
    p.resume();
    p.resume();
    expect(() => p.resume(input as unknown as Uint8Array)).toThrow(expect.objectContaining({ name: 'UsageError', code: 'ERR_INVALID_INPUT' }));
  });

  it('takes a Buffer as bytes, an empty array as no data, and Symbol.for("io-http.EOF") as EOF', () => {
    const p = new Http11Protocol(GET());
    p.resume();
    p.resume();
    expect(p.resume(new Uint8Array(0))).toEqual({ done: false, value: { type: 'read' } });
    expect(p.resume(Buffer.from('HTTP/1.1 200 OK\r\n\r\nab'))).toEqual({ done: false, value: { type: 'read' } });
    const done = p.resume(Symbol.for('io-http.EOF') as typeof EOF);
    expect(done.done && latin1(done.value.response.body)).toBe('ab');
  });
});

describe('error messages', () => {
  it('a ParseError names the offset and shows an escaped excerpt', () => {
    const error = thrownWhole(h11(), 'HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n') as ParseError;
    expect(error).toBeInstanceOf(ParseError);
    expect(error.offset).toBe(20);
    expect(error.message).toBe("Malformed HTTP input at byte 20: expected a token character or ':', got HTTP/1.1 200 OK\\r\\nBad⟨ ⟩Name: x\\r\\n\\r\\n");
  });

  it('a framing error points at the end of the head', () => {
    const error = thrownWhole(h11(), 'HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\nbody') as ParseError;
    expect(error.code).toBe('ERR_INVALID_CONTENT_LENGTH');
    expect(error.message).toContain('at byte 38');
    expect(error.excerpt).toContain('⟨b⟩ody');
  });

  it('a LimitError names the limit and the offset', () => {
    const error = thrownWhole(h11(GET(), { maxHeadSize: 20 }), 'HTTP/1.1 200 OK\r\nX: 1234567\r\n\r\n') as LimitError;
    expect(error.message).toBe('Response head size exceeds the limit of 20 (at byte 20)');
  });
});
