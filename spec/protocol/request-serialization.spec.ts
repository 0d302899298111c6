import { HttpError, UsageError } from '../../lib/message/errors';
import { Headers } from '../../lib/message/headers';
import { HttpRequest, type HttpRequestInit } from '../../lib/message/request';
import type { Http1Options, Http1Protocol, Http1Yield } from '../../lib/protocol/http1-protocol';
import { Http10Protocol, type Http10Options } from '../../lib/protocol/http10-protocol';
import { Http11Protocol } from '../../lib/protocol/http11-protocol';
import { pieces } from '../support/body';
import { latin1 } from '../support/bytes';

/** Resumes until the protocol stops writing: the writes, and the yield it stopped at. */
function writesOf(protocol: Http1Protocol): { writes: Uint8Array[]; next: Http1Yield } {
  const writes: Uint8Array[] = [];
  let step = protocol.resume();
  while (!step.done && step.value.type === 'write') {
    writes.push(step.value.bytes);
    step = protocol.resume();
  }
  if (step.done) throw new Error('the protocol completed without reading');
  return { writes, next: step.value };
}

function h11(request: HttpRequest, options?: Http1Options): Http1Protocol {
  return new Http11Protocol(request, options);
}

function h10(request: HttpRequest, options?: Http10Options): Http1Protocol {
  return new Http10Protocol(request, options);
}

/** Everything written before the first read, as a byte string. */
function sent(protocol: Http1Protocol): string {
  return writesOf(protocol).writes.map(latin1).join('');
}

/** The head lines written (without the final empty line and body). */
function headLines(protocol: Http1Protocol): string[] {
  const text = sent(protocol);
  return text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
}

/** The UsageError the first resume throws; also checks nothing was written and the protocol is spent. */
function refused(protocol: Http1Protocol, code: string): UsageError {
  const writes: Uint8Array[] = [];
  let error: unknown;
  try {
    for (let step = protocol.resume(); !step.done && step.value.type === 'write'; step = protocol.resume()) writes.push(step.value.bytes);
  } catch (e) {
    error = e;
  }
  expect(writes).toEqual([]);
  expect(error).toBeInstanceOf(UsageError);
  expect(error).toBeInstanceOf(HttpError);
  expect((error as UsageError).code).toBe(code);
  expect(() => protocol.resume()).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL_FINISHED' }));
  return error as UsageError;
}

const req = (method: string, url: string, init?: HttpRequestInit) => new HttpRequest(method, url, init);

describe('request line', () => {
  it('writes method, path and query, version, Host and the empty line, then reads', () => {
    const { writes, next } = writesOf(h11(HttpRequest.get('http://example.com/a/b?x=1&y=%20')));
    expect(writes.map(latin1)).toEqual(['GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: example.com\r\n\r\n']);
    expect(next).toEqual({ type: 'read' });
  });

  it.each([
    ['http://example.com', '/'],
    ['http://example.com?q=1', '/?q=1'],
    ['http://example.com/?', '/'],
    ['http://example.com/p#frag', '/p'],
    ['http://example.com/p?q#frag?x', '/p?q'],
    ['http://example.com/a b', '/a%20b'],
    ['http://example.com/é', '/%C3%A9'],
    ['http://example.com/../x/./y', '/x/y'],
  ])('%s → request-target %s', (url, target) => {
    expect(headLines(h11(HttpRequest.get(url)))[0]).toBe(`GET ${target} HTTP/1.1`);
  });

  it('never sends URL credentials, in the target, Host or any field', () => {
    const text = sent(h11(HttpRequest.get('http://alice:s3cret@example.com/p?q')));
    expect(text).toBe('GET /p?q HTTP/1.1\r\nHost: example.com\r\n\r\n');
    expect(text).not.toMatch(/alice|s3cret|Authorization/i);
  });

  it('writes HTTP/1.0 in the request line of Http10Protocol, with Host', () => {
    expect(sent(h10(HttpRequest.get('http://example.com/x')))).toBe('GET /x HTTP/1.0\r\nHost: example.com\r\n\r\n');
  });

  it.each(['PROPFIND', 'M-SEARCH', 'get', "A!#$%&'*+-.^_`|~9"])('accepts the token method %s as given', (method) => {
    expect(headLines(h11(req(method, 'http://example.com/')))[0]).toBe(`${method} / HTTP/1.1`);
  });

  it.each(['', 'GE T', 'GET\r\nX: 1', 'GET\n', 'G\u00c9T', 'GET\0', '(GET)', 'GET/'])('refuses the method %j before writing', (method) => {
    refused(h11(req(method, 'http://example.com/')), 'ERR_INVALID_REQUEST');
  });

  it('takes the requestTarget option as given (asterisk-form, absolute-form), Host still from the URL', () => {
    expect(sent(h11(HttpRequest.options('http://example.com/'), { requestTarget: '*' }))).toBe('OPTIONS * HTTP/1.1\r\nHost: example.com\r\n\r\n');
    expect(headLines(h11(GET('http://example.com:8080/p'), { requestTarget: 'http://example.com:8080/p' }))).toEqual([
      'GET http://example.com:8080/p HTTP/1.1',
      'Host: example.com:8080',
    ]);
  });

  it.each(['', '/a b', '/a\r\nX: 1', '/\t', '/\x7f', '/\u20ac', '/\u00e9'])('refuses the requestTarget %j', (target) => {
    refused(h11(GET(), { requestTarget: target }), 'ERR_INVALID_REQUEST');
  });
});

function GET(url = 'http://example.com/', init?: HttpRequestInit): HttpRequest {
  return HttpRequest.get(url, init);
}

describe('Host', () => {
  it.each([
    ['http://example.com/', 'example.com'],
    ['http://example.com:80/', 'example.com'],
    ['http://example.com:8080/', 'example.com:8080'],
    ['https://example.com/', 'example.com'],
    ['https://example.com:443/', 'example.com'],
    ['https://example.com:80/', 'example.com:80'],
    ['http://example.com:443/', 'example.com:443'],
    ['http://EXAMPLE.com/', 'example.com'],
    ['http://[::1]/', '[::1]'],
    ['http://[::1]:8080/', '[::1]:8080'],
    ['http://[2001:db8::1]:443/', '[2001:db8::1]:443'],
    ['https://[2001:db8::1]:443/', '[2001:db8::1]'],
    ['http://127.0.0.1:3000/', '127.0.0.1:3000'],
    ['http://bücher.example/', 'xn--bcher-kva.example'],
  ])('%s → Host: %s (1.1 and 1.0)', (url, host) => {
    expect(headLines(h11(GET(url)))[1]).toBe(`Host: ${host}`);
    expect(headLines(h10(GET(url)))[1]).toBe(`Host: ${host}`);
  });

  it('keeps a Host the caller set, once, in the caller’s place and casing', () => {
    const lines = headLines(h11(GET('http://example.com/', { headers: [['Accept', '*/*'], ['host', 'other.test:81']] })));
    expect(lines).toEqual(['GET / HTTP/1.1', 'Accept: */*', 'host: other.test:81']);
    expect(headLines(h10(GET('http://example.com/', { headers: { HOST: 'v.test' } })))).toEqual(['GET / HTTP/1.0', 'HOST: v.test']);
  });
});

describe('header fields', () => {
  it('writes fields in order, with their casing, repeated ones separately', () => {
    const headers = new Headers([
      ['X-B', '1'],
      ['x-a', '2'],
      ['X-B', '3'],
      ['Set-Thing', 'a, b'],
    ]);
    expect(headLines(h11(GET('http://example.com/', { headers })))).toEqual([
      'GET / HTTP/1.1',
      'Host: example.com',
      'X-B: 1',
      'x-a: 2',
      'X-B: 3',
      'Set-Thing: a, b',
    ]);
  });

  it('sends empty values, inner whitespace and obs-text (bytes 0x80-0xFF) as given', () => {
    const lines = headLines(h11(GET('http://example.com/', { headers: [['X-Empty', ''], ['X-Sp', 'a \t b'], ['X-Latin', 'caf\u00e9']] })));
    expect(lines.slice(2)).toEqual(['X-Empty: ', 'X-Sp: a \t b', 'X-Latin: caf\u00e9']);
  });

  it.each([
    ['X-Evil', 'x\r\nEvil: 1'],
    ['X-Evil', 'x\nEvil: 1'],
    ['X-Evil', 'x\rEvil: 1'],
    ['X-Nul', 'a\0b'],
    ['X-Ctl', 'a\x01b'],
    ['X-Del', 'a\x7f'],
    ['X-Wide', '\u20ac'],
    ['X-End', 'abc\r\n'],
  ])('refuses the value of %s = %j (header injection), writing nothing', (name, value) => {
    const error = refused(h11(GET('http://example.com/', { headers: [[name, value]] })), 'ERR_INVALID_HEADER');
    expect(error.message).toContain(name);
  });

  it.each(['x\r\nEvil', 'Bad Name', '', 'a:b', 'na\u00efve', 'X-\0', ' X', 'X\t', '(x)', 'x\n'])('refuses the field name %j, writing nothing', (name) => {
    refused(h11(GET('http://example.com/', { headers: [[name, 'v']] })), 'ERR_INVALID_HEADER');
    refused(h10(GET('http://example.com/', { headers: [[name, 'v']] })), 'ERR_INVALID_HEADER');
  });

  it('refuses a bad Host the caller set', () => {
    refused(h11(GET('http://example.com/', { headers: { Host: 'a\r\nX: 1' } })), 'ERR_INVALID_HEADER');
  });

  it('refuses a Transfer-Encoding the caller set (io-http frames the body itself)', () => {
    refused(h11(HttpRequest.post('http://example.com/', 'x', { headers: { 'Transfer-Encoding': 'chunked' } })), 'ERR_INVALID_REQUEST');
    refused(h11(HttpRequest.post('http://example.com/', pieces('x'), { headers: { 'transfer-encoding': 'gzip' } })), 'ERR_INVALID_REQUEST');
    refused(h11(GET('http://example.com/', { headers: { 'Transfer-Encoding': 'identity' } })), 'ERR_INVALID_REQUEST');
  });
});

describe('Content-Length and body', () => {
  it.each(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE'])('bodiless %s: no Content-Length', (method) => {
    expect(sent(h11(req(method, 'http://example.com/')))).toBe(`${method} / HTTP/1.1\r\nHost: example.com\r\n\r\n`);
  });

  it.each(['POST', 'PUT', 'PATCH'])('bodiless %s: Content-Length: 0', (method) => {
    expect(sent(h11(req(method, 'http://example.com/')))).toBe(`${method} / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n`);
    expect(sent(h10(req(method, 'http://example.com/')))).toBe(`${method} / HTTP/1.0\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n`);
  });

  it('an empty body says Content-Length: 0, whatever the method', () => {
    expect(sent(h11(HttpRequest.post('http://example.com/', '')))).toBe('POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n');
    expect(sent(h11(GET('http://example.com/', { body: new Uint8Array(0) })))).toBe('GET / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n');
  });

  it('a small body goes in the same write as the head, after Content-Length', () => {
    const { writes } = writesOf(h11(HttpRequest.post('http://example.com/f', 'hello', { headers: { 'Content-Type': 'text/plain' } })));
    expect(writes.map(latin1)).toEqual(['POST /f HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello']);
  });

  it('counts UTF-8 bytes of a string body', () => {
    const text = sent(h11(HttpRequest.put('http://example.com/', 'h\u00e9\u{1f600}')));
    expect(text).toContain('Content-Length: 7\r\n');
    expect(text.endsWith('\r\n\r\nh\xc3\xa9\xf0\x9f\x98\x80')).toBe(true);
  });

  it('a GET with a body has a Content-Length', () => {
    expect(sent(h11(GET('http://example.com/', { body: 'q' })))).toBe('GET / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 1\r\n\r\nq');
  });

  it('coalesces a body of exactly 16 KiB; a larger one is a second write of the same array', () => {
    const small = new Uint8Array(16 * 1024).fill(0x61);
    const one = writesOf(h11(HttpRequest.post('http://example.com/', small)));
    expect(one.writes).toHaveLength(1);
    expect(one.writes[0].length).toBe(small.length + 'POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 16384\r\n\r\n'.length);

    const large = new Uint8Array(16 * 1024 + 1).fill(0x62);
    const two = writesOf(h11(HttpRequest.post('http://example.com/', large)));
    expect(two.writes).toHaveLength(2);
    expect(latin1(two.writes[0])).toBe('POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 16385\r\n\r\n');
    expect(two.writes[1]).toBe(large); // not copied
    expect(two.next).toEqual({ type: 'read' });
  });

  it('keeps a Content-Length the caller set when it matches, and writes it once', () => {
    const text = sent(h11(HttpRequest.post('http://example.com/', 'abc', { headers: { 'content-length': '3' } })));
    expect(text).toBe('POST / HTTP/1.1\r\nHost: example.com\r\ncontent-length: 3\r\n\r\nabc');
    expect(sent(h11(GET('http://example.com/', { headers: { 'Content-Length': '0' } })))).toBe('GET / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n');
  });

  it.each([
    ['4', 'abc'],
    ['2', 'abc'],
    ['03', 'abc'],
    [' 3', 'abc'],
    ['3, 3', 'abc'],
    ['abc', 'abc'],
    ['1', ''],
  ])('refuses a Content-Length %j that does not match the body %j', (given, body) => {
    refused(h11(HttpRequest.post('http://example.com/', body, { headers: { 'Content-Length': given } })), 'ERR_INVALID_REQUEST');
  });

  it('refuses a Content-Length on a bodiless GET that is not 0', () => {
    refused(h11(GET('http://example.com/', { headers: { 'Content-Length': '5' } })), 'ERR_INVALID_REQUEST');
  });
});

describe('streamed bodies', () => {
  it('HTTP/1.1: Transfer-Encoding: chunked, then a send-body yield (chunked), then a read', () => {
    const p = h11(HttpRequest.post('http://example.com/up', pieces('a', 'b')));
    const { writes, next } = writesOf(p);
    expect(writes.map(latin1)).toEqual(['POST /up HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n']);
    expect(next).toEqual({ type: 'send-body', chunked: true });
    expect(p.resume()).toEqual({ done: false, value: { type: 'read' } });
  });

  it('with a Content-Length from the caller: no Transfer-Encoding, send-body not chunked', () => {
    const p = h11(HttpRequest.put('http://example.com/', pieces('abcd'), { headers: { 'Content-Length': '4' } }));
    const { writes, next } = writesOf(p);
    expect(writes.map(latin1)).toEqual(['PUT / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 4\r\n\r\n']);
    expect(next).toEqual({ type: 'send-body', chunked: false });
  });

  it.each(['abc', '-1', '', '1.5', '4, 4'])('refuses the invalid Content-Length %j for a stream', (given) => {
    refused(h11(HttpRequest.post('http://example.com/', pieces('x'), { headers: { 'Content-Length': given } })), 'ERR_INVALID_REQUEST');
  });

  it('HTTP/1.0 cannot stream without Content-Length: ERR_LENGTH_REQUIRED', () => {
    refused(h10(HttpRequest.post('http://example.com/', pieces('x'))), 'ERR_LENGTH_REQUIRED');
  });

  it('HTTP/1.0 streams with a Content-Length, never chunked', () => {
    const p = h10(HttpRequest.post('http://example.com/', pieces('xy'), { headers: { 'Content-Length': '2' } }));
    const { writes, next } = writesOf(p);
    expect(writes.map(latin1)).toEqual(['POST / HTTP/1.0\r\nHost: example.com\r\nContent-Length: 2\r\n\r\n']);
    expect(next).toEqual({ type: 'send-body', chunked: false });
  });
});

describe('HTTP/1.0 keepAlive option', () => {
  it('adds Connection: keep-alive after the caller’s fields', () => {
    expect(headLines(h10(GET('http://example.com/', { headers: { Accept: '*/*' } }), { keepAlive: true }))).toEqual([
      'GET / HTTP/1.0',
      'Host: example.com',
      'Accept: */*',
      'Connection: keep-alive',
    ]);
  });

  it('adds nothing without the option, or when the caller set Connection', () => {
    expect(headLines(h10(GET()))).toEqual(['GET / HTTP/1.0', 'Host: example.com']);
    expect(headLines(h10(GET('http://example.com/', { headers: { Connection: 'close' } }), { keepAlive: true }))).toEqual([
      'GET / HTTP/1.0',
      'Host: example.com',
      'Connection: close',
    ]);
  });

  it('does not change the caller’s request object', () => {
    const request = GET();
    const p = h10(request, { keepAlive: true });
    expect(sent(p)).toContain('Connection: keep-alive');
    expect(request.headers.has('connection')).toBe(false);
  });

  it('keeps the body of the request it rewrites', () => {
    expect(sent(h10(HttpRequest.post('http://example.com/', 'hi'), { keepAlive: true }))).toBe(
      'POST / HTTP/1.0\r\nHost: example.com\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi',
    );
  });
});

describe('Expect: 100-continue', () => {
  it('writes the head alone, then yields await-continue', () => {
    const p = h11(HttpRequest.post('http://example.com/', 'body', { headers: { Expect: '100-continue' } }));
    const { writes, next } = writesOf(p);
    expect(writes.map(latin1)).toEqual(['POST / HTTP/1.1\r\nHost: example.com\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n']);
    expect(next).toEqual({ type: 'await-continue' });
  });

  it('is ignored for a request without a body', () => {
    const { next } = writesOf(h11(GET('http://example.com/', { headers: { Expect: '100-continue' } })));
    expect(next).toEqual({ type: 'read' });
  });
});
