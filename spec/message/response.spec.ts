import { HttpError } from '../../lib/message/errors';
import { Headers } from '../../lib/message/headers';
import { HttpResponse } from '../../lib/message/response';
import { utf8 } from '../support/bytes';

const response = (status: number, body?: Uint8Array) => new HttpResponse({ version: '1.1', status, reason: '', headers: new Headers(), body });

describe('HttpResponse', () => {
  it('holds what it is given, with an empty body, no trailers and no interim responses by default', () => {
    const headers = new Headers([['A', '1']]);
    const r = new HttpResponse({ version: '1.0', status: 404, reason: 'Not Found', headers });
    expect([r.version, r.status, r.reason, r.headers]).toEqual(['1.0', 404, 'Not Found', headers]);
    expect(r.headers).toBe(headers);
    expect(r.body).toEqual(new Uint8Array(0));
    expect(r.trailers).toBeInstanceOf(Headers);
    expect(r.trailers.size).toBe(0);
    expect(r.interim).toEqual([]);
    // The session's facts (url, redirects, timings) are on SessionResponse, not on the message.
    expect('url' in r).toBe(false);
  });

  it('keeps body, trailers and interim responses', () => {
    const interim = [response(100)];
    const trailers = new Headers([['T', '1']]);
    const r = new HttpResponse({ version: '1.1', status: 200, reason: 'OK', headers: new Headers(), body: utf8('x'), trailers, interim });
    expect([r.trailers, r.interim[0].status, r.body]).toEqual([trailers, 100, utf8('x')]);
  });

  it.each([
    [199, false],
    [200, true],
    [204, true],
    [299, true],
    [300, false],
    [404, false],
  ])('ok for %d is %s', (status, ok) => {
    expect(response(status).ok).toBe(ok);
  });

  it('text() decodes the body as UTF-8, replacing invalid sequences', () => {
    expect(response(200, utf8('h\u00e9llo \u{1f600}')).text()).toBe('h\u00e9llo \u{1f600}');
    expect(response(200, new Uint8Array([0x61, 0xff, 0x62, 0xc3])).text()).toBe('a\ufffdb\ufffd');
    expect(response(200).text()).toBe('');
  });

  it('text() decodes a sub-view of a larger buffer, not the whole buffer', () => {
    const buffer = utf8('xxhelloxx');
    expect(response(200, buffer.subarray(2, 7)).text()).toBe('hello');
  });

  it('json() parses the body', () => {
    expect(response(200, utf8('{"a":[1,"\u00e9"],"b":null}')).json()).toEqual({ a: [1, '\u00e9'], b: null });
    expect(response(200, utf8('42')).json<number>()).toBe(42);
    for (const body of [utf8('{nope'), undefined]) {
      let error: unknown;
      try {
        response(200, body).json();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(HttpError);
      expect(error).toMatchObject({ code: 'ERR_INVALID_JSON' });
      expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    }
  });
});
