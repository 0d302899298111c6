import {
  AbortError,
  HttpError,
  IncompleteMessageError,
  LimitError,
  ParseError,
  RedirectError,
  TimeoutError,
  TlsError,
  TransportError,
  UsageError,
} from '../../lib/message/errors';

describe('errors', () => {
  it('every class is an Error and an HttpError, named after its class, with a code', () => {
    const all: Array<[HttpError, string, string]> = [
      [new HttpError('ERR_INVALID_JSON', 'm'), 'HttpError', 'ERR_INVALID_JSON'],
      [new ParseError('ERR_INVALID_HEADER', 'a field name', 3, 'x'), 'ParseError', 'ERR_INVALID_HEADER'],
      [new LimitError('ERR_HEAD_TOO_LARGE', 'Response head size', 10, 10, 431), 'LimitError', 'ERR_HEAD_TOO_LARGE'],
      [new IncompleteMessageError('body', 5), 'IncompleteMessageError', 'ERR_INCOMPLETE_MESSAGE'],
      [new UsageError('m'), 'UsageError', 'ERR_USAGE'],
      [new UsageError('m', 'ERR_INVALID_HEADER'), 'UsageError', 'ERR_INVALID_HEADER'],
      [new TransportError('m'), 'TransportError', 'ERR_TRANSPORT'],
      [new TransportError('m', { code: 'ERR_CONNECTION_REFUSED' }), 'TransportError', 'ERR_CONNECTION_REFUSED'],
      [new TlsError('expired', 'm'), 'TlsError', 'ERR_TLS'],
      [new TimeoutError('connect', 5), 'TimeoutError', 'ERR_TIMEOUT'],
      [new AbortError('why'), 'AbortError', 'ERR_ABORTED'],
      [new RedirectError('m'), 'RedirectError', 'ERR_REDIRECT'],
      [new RedirectError('m', 'ERR_TOO_MANY_REDIRECTS'), 'RedirectError', 'ERR_TOO_MANY_REDIRECTS'],
    ];
    for (const [error, name, code] of all) {
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(HttpError);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(typeof error.stack).toBe('string');
      expect(String(error)).toContain(name);
    }
  });

  it('ParseError: what was expected, where, and an excerpt, in the message too', () => {
    const e = new ParseError('ERR_INVALID_CHUNK', 'CRLF after the chunk data', 42, 'ab⟨X⟩');
    expect([e.offset, e.expected, e.excerpt]).toEqual([42, 'CRLF after the chunk data', 'ab⟨X⟩']);
    expect(e.message).toBe('Malformed HTTP input at byte 42: expected CRLF after the chunk data, got ab⟨X⟩');
  });

  it('LimitError: limit, offset and the status a server would use', () => {
    const e = new LimitError('ERR_BODY_TOO_LARGE', 'Response body size', 1024, 2000, 413);
    expect([e.limit, e.offset, e.status]).toEqual([1024, 2000, 413]);
    expect(e.message).toBe('Response body size exceeds the limit of 1024 (at byte 2000)');
  });

  it('IncompleteMessageError: the part and the offset, with an optional detail', () => {
    const e = new IncompleteMessageError('chunked body', 77);
    expect([e.part, e.offset]).toEqual(['chunked body', 77]);
    expect(e.message).toBe('Connection closed in the middle of the response chunked body (at byte 77)');
    expect(new IncompleteMessageError('body', 9, ': 1 of 5 bytes received').message).toBe(
      'Connection closed in the middle of the response body (at byte 9): 1 of 5 bytes received',
    );
  });

  it('TransportError and TlsError keep the cause; TlsError says why', () => {
    const cause = new Error('ECONNRESET');
    expect(new TransportError('reset', { cause }).cause).toBe(cause);
    expect(new TransportError('no cause').cause).toBeUndefined();
    const tls = new TlsError('hostname', 'bad name', { cause });
    expect([tls.reason, tls.cause, tls.message]).toEqual(['hostname', cause, 'bad name']);
  });

  it('TimeoutError names the phase and the time', () => {
    const e = new TimeoutError('headers', 1500);
    expect([e.phase, e.ms, e.message]).toEqual(['headers', 1500, 'The headers timeout of 1500 ms expired']);
  });

  it('AbortError keeps the reason as reason and cause', () => {
    const reason = new Error('user cancelled');
    const e = new AbortError(reason);
    expect([e.reason, e.cause, e.message]).toEqual([reason, reason, 'The request was aborted: user cancelled']);
    expect(new AbortError('just a string').message).toBe('The request was aborted');
    expect(new AbortError(undefined).cause).toBeUndefined();
  });

  it('subclasses can be told apart with instanceof', () => {
    const e: HttpError = new LimitError('ERR_TOO_MANY_HEADERS', 'Number of header fields', 100, 0, 431);
    expect(e instanceof ParseError).toBe(false);
    expect(e instanceof LimitError).toBe(true);
  });
});
