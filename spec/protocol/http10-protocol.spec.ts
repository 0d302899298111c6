import { IncompleteMessageError, UsageError } from '../../lib/message/errors';
import { HttpRequest } from '../../lib/message/request';
import type { Http1Result } from '../../lib/protocol/http1-protocol';
import { Http10Protocol } from '../../lib/protocol/http10-protocol';
import { EOF } from '../../lib/protocol/protocol';
import { bytesOf, latin1 } from '../support/bytes';
import { fails, GET, h10, h11, ok, run } from '../support/http1';

const KEEP = { keepAlive: true };

describe('HTTP/1.0 exchange', () => {
  it('writes an HTTP/1.0 request and reads a Content-Length response; not reusable without keep-alive', () => {
    const p = new Http10Protocol(GET('http://example.com/doc'));
    const write = p.resume();
    expect(write.done === false && write.value.type === 'write' && latin1(write.value.bytes)).toBe('GET /doc HTTP/1.0\r\nHost: example.com\r\n\r\n');
    expect(p.resume()).toEqual({ done: false, value: { type: 'read' } });
    const done = p.resume(bytesOf('HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc'));
    expect(done.done).toBe(true);
    const r = done.value as Http1Result;
    expect([r.response.version, r.response.status, latin1(r.response.body), r.keepAlive]).toEqual(['1.0', 200, 'abc', false]);
  });

  it('reads a response without framing to EOF', () => {
    expect(ok(h10(), 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n')).toMatchObject({
      version: '1.0',
      body: 'line 1\r\nline 2\r\n',
      keepAlive: false,
      rest: '',
    });
  });

  it('reads an HTTP/1.1 response to an HTTP/1.0 request', () => {
    expect(ok(h10(), 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi')).toMatchObject({ version: '1.1', body: 'hi', keepAlive: false });
    // A 1.1 server must not send chunked to a 1.0 client; if it does, it is still decoded.
    expect(ok(h10(), 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n')).toMatchObject({ body: 'hi', keepAlive: false });
  });

  it('an HTTP/1.0 response with Transfer-Encoding has faulty framing: decoded, never reused (RFC 9112 §6.1)', () => {
    const chunked = '4\r\nXV0w\r\n0\r\n\r\n';
    // Never the chunk framing as the body (docs/conformance.md).
    expect(ok(h10(GET(), KEEP), `HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n${chunked}`)).toMatchObject({
      body: 'XV0w',
      keepAlive: false,
      rest: '',
    });
    expect(ok(h11(), `HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`)).toMatchObject({ body: 'XV0w', keepAlive: false });
    // Content-Length does not rescue it: the pair is the same conflict as in HTTP/1.1 (RFC 9112 §6.3 rule 3).
    const both = `HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n`;
    expect(fails(h10(), `${both}${chunked}`)).toEqual({ name: 'ParseError', code: 'ERR_CONFLICTING_FRAMING', offset: both.length });
    expect(ok(h10(GET(), { allowTransferEncodingWithContentLength: true }), `${both}${chunked}`)).toMatchObject({ body: 'XV0w', keepAlive: false });
    // Without chunked as the last coding the body runs to close, as in HTTP/1.1.
    expect(ok(h10(), `HTTP/1.0 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n${chunked}`)).toMatchObject({ body: chunked, keepAlive: false });
    expect(ok(h10(), `HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n${chunked}`)).toMatchObject({ body: chunked, keepAlive: false });
  });

  it('collects a 1xx before the final response', () => {
    expect(ok(h10(), 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 204 No Content\r\n\r\n')).toMatchObject({ status: 204, interim: [{ status: 100 }] });
  });

  it('HEAD: no body even with Content-Length', () => {
    expect(ok(h10(HttpRequest.head('http://example.com/'), KEEP), 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 10\r\n\r\nNEXT')).toMatchObject({
      body: '',
      keepAlive: true,
      rest: 'NEXT',
    });
  });

  it('reports a redirect like HTTP/1.1', () => {
    expect(ok(h10(GET('http://example.com/a/b')), 'HTTP/1.0 302 Found\r\nLocation: c\r\n\r\n').redirect).toEqual({
      url: 'http://example.com/a/c',
      sameOrigin: true,
    });
  });
});

describe('HTTP/1.0 keep-alive', () => {
  const withConnection = (version: string, connection?: string) =>
    `HTTP/${version} 200 OK\r\n${connection === undefined ? '' : `Connection: ${connection}\r\n`}Content-Length: 2\r\n\r\nokNEXT`;

  it.each([
    ['no keepAlive option, 1.0 keep-alive response', {}, withConnection('1.0', 'keep-alive'), false],
    ['no keepAlive option, 1.1 response', {}, withConnection('1.1'), false],
    ['keepAlive, 1.0 response with keep-alive', KEEP, withConnection('1.0', 'keep-alive'), true],
    ['keepAlive, 1.0 response with Keep-Alive (any case) among tokens', KEEP, withConnection('1.0', 'foo, Keep-Alive'), true],
    ['keepAlive, 1.0 response without Connection', KEEP, withConnection('1.0'), false],
    ['keepAlive, 1.0 response with close', KEEP, withConnection('1.0', 'close'), false],
    ['keepAlive, 1.1 response without Connection (persistent by its version)', KEEP, withConnection('1.1'), true],
    ['keepAlive, 1.1 response with close', KEEP, withConnection('1.1', 'close'), false],
  ])('%s → %s', (_, options, input, keepAlive) => {
    const r = ok(h10(GET(), options), input);
    expect([r.body, r.keepAlive, r.rest]).toEqual(['ok', keepAlive, 'NEXT']);
  });

  it('a keep-alive response read to EOF is still not reusable', () => {
    expect(ok(h10(GET(), KEEP), 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nbody').keepAlive).toBe(false);
  });

  it('Connection: keep-alive set by the caller counts like the option', () => {
    const request = GET('http://example.com/', { headers: { Connection: 'Keep-Alive' } });
    expect(ok(h10(request), withConnection('1.0', 'keep-alive')).keepAlive).toBe(true);
  });

  it('a caller’s Connection: close wins over the option', () => {
    const request = GET('http://example.com/', { headers: { Connection: 'close' } });
    expect(ok(h10(request, KEEP), withConnection('1.0', 'keep-alive')).keepAlive).toBe(false);
  });

  it('parses kept-alive responses one after another', () => {
    const head = HttpRequest.head('http://example.com/');
    let stream = 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabc' + 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\n' + 'HTTP/1.0 404 Not Found\r\n\r\nbye';
    const seen: unknown[] = [];
    for (const make of [h10(GET(), KEEP), h10(head, KEEP), h10(GET(), KEEP)]) {
      const r = ok(make, stream);
      seen.push([r.status, r.body, r.keepAlive]);
      stream = r.rest;
    }
    expect(seen).toEqual([
      [200, 'abc', true],
      [200, '', true],
      [404, 'bye', false],
    ]);
  });
});

describe('HTTP/1.0 errors', () => {
  it.each([
    ['', 'IncompleteMessageError', 0],
    ['HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nab', 'IncompleteMessageError', 40],
    ['HTTP/1.0 200 OK\r\nContent-Length: 5, 6\r\n\r\n', 'ParseError', 41],
    ['HTTP/1.0 200 OK\nContent-Length: 0\n\n', 'ParseError', 15],
    ['HTTP/1.0 20 OK\r\n\r\n', 'ParseError', 11],
  ])('%j: %s at byte %d', (input, name, offset) => {
    expect(fails(h10(), input)).toMatchObject({ name, offset });
  });

  it('is lenient only where told', () => {
    expect(ok(h10(GET(), { allowBareLf: true }), 'HTTP/1.0 200 OK\nContent-Length: 0\n\n').status).toBe(200);
  });

  it('refuses a streamed body without Content-Length (ERR_LENGTH_REQUIRED), nothing written', () => {
    const p = new Http10Protocol(HttpRequest.post('http://example.com/', (async function* () {})()));
    expect(() => p.resume()).toThrow(expect.objectContaining({ name: 'UsageError', code: 'ERR_LENGTH_REQUIRED' }));
    expect(() => p.resume()).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL_FINISHED', message: expect.stringContaining('Http10Protocol') }));
  });

  it('is spent after completion', () => {
    const p = new Http10Protocol(GET());
    p.resume();
    p.resume();
    expect(p.resume(bytesOf('HTTP/1.0 200 OK\r\n\r\n')).done).toBe(false);
    expect(p.resume(EOF).done).toBe(true);
    expect(() => p.resume(EOF)).toThrow(UsageError);
  });

  it('EOF in the head is typed', () => {
    const p = new Http10Protocol(GET());
    p.resume();
    p.resume();
    p.resume(bytesOf('HTTP/1.0 2'));
    let error: unknown;
    try {
      p.resume(EOF);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IncompleteMessageError);
    expect(error).toMatchObject({ part: 'head', offset: 10 });
  });

  it('streams like HTTP/1.1', () => {
    const n = run(h10(GET(), { stream: true }), 'HTTP/1.0 200 OK\r\n\r\nstreamed');
    expect([n.yields, n.data, n.result?.keepAlive]).toEqual([[{ type: 'head', status: 200 }], 'streamed', false]);
  });
});

describe('Expect: 100-continue on HTTP/1.0', () => {
  it('is not waited for: a 1.0 server ignores Expect, so the body goes with the head', () => {
    const request = HttpRequest.post('http://a.test/', 'hello', { headers: { Expect: '100-continue' } });
    const protocol = new Http10Protocol(request);
    const first = protocol.resume();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ type: 'write' });
    expect(latin1((first.value as { bytes: Uint8Array }).bytes)).toMatch(/\r\n\r\nhello$/);
    expect(protocol.resume().value).toEqual({ type: 'read' });
  });
});
