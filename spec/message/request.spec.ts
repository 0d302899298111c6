import { Headers } from '../../lib/message/headers';
import { HttpRequest } from '../../lib/message/request';

async function* chunks(): AsyncIterable<Uint8Array> {
  yield new Uint8Array([1]);
}

describe('HttpRequest', () => {
  it('takes a method, a URL string or URL, fields and a body', () => {
    const r = new HttpRequest('PUT', 'http://example.com/a?b#c', { headers: { 'X-A': '1' }, body: new Uint8Array([1, 2]) });
    expect(r.method).toBe('PUT');
    expect(r.url).toBeInstanceOf(URL);
    expect(r.url.href).toBe('http://example.com/a?b#c');
    expect([...r.headers]).toEqual([['X-A', '1']]);
    expect(r.body).toEqual(new Uint8Array([1, 2]));
    const url = new URL('https://example.com/');
    expect(new HttpRequest('GET', url).url).toBe(url);
  });

  it('has no fields and no body by default', () => {
    const r = new HttpRequest('GET', 'http://example.com/');
    expect(r.headers).toBeInstanceOf(Headers);
    expect(r.headers.size).toBe(0);
    expect(r.body).toBeUndefined();
  });

  it('encodes a string body as UTF-8, keeps bytes and streams as given', () => {
    expect(new HttpRequest('POST', 'http://e.test/', { body: 'h\u00e9\u{1f600}' }).body).toEqual(
      new Uint8Array([0x68, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80]),
    );
    expect(new HttpRequest('POST', 'http://e.test/', { body: '' }).body).toEqual(new Uint8Array(0));
    const bytes = new Uint8Array([1]);
    expect(new HttpRequest('POST', 'http://e.test/', { body: bytes }).body).toBe(bytes);
    const stream = chunks();
    expect(new HttpRequest('POST', 'http://e.test/', { body: stream }).body).toBe(stream);
  });

  it('copies the fields it is given', () => {
    const headers = new Headers([['A', '1']]);
    const r = new HttpRequest('GET', 'http://e.test/', { headers });
    headers.append('B', '2');
    expect([...r.headers]).toEqual([['A', '1']]);
  });

  it.each([
    ['get', 'GET'],
    ['head', 'HEAD'],
    ['delete', 'DELETE'],
    ['options', 'OPTIONS'],
  ] as const)('HttpRequest.%s makes a %s request', (factory, method) => {
    const r = HttpRequest[factory]('http://e.test/x', { headers: [['A', '1']] });
    expect([r.method, r.url.href, r.headers.get('a'), r.body]).toEqual([method, 'http://e.test/x', '1', undefined]);
  });

  it.each([
    ['post', 'POST'],
    ['put', 'PUT'],
    ['patch', 'PATCH'],
  ] as const)('HttpRequest.%s makes a %s request with a body', (factory, method) => {
    const r = HttpRequest[factory]('http://e.test/', 'abc', { headers: { 'Content-Type': 'text/plain' } });
    expect([r.method, r.headers.get('content-type'), r.body]).toEqual([method, 'text/plain', new Uint8Array([0x61, 0x62, 0x63])]);
    expect(HttpRequest[factory]('http://e.test/').body).toBeUndefined();
  });

  it('the body argument wins over a body in init', () => {
    expect(HttpRequest.post('http://e.test/', 'a', { body: 'b' }).body).toEqual(new Uint8Array([0x61]));
  });

  it('with() changes what it is given and keeps the rest; the original is unchanged', () => {
    const original = HttpRequest.post('http://e.test/a', 'body', { headers: { A: '1' } });
    const moved = original.with({ url: 'http://other.test/b' });
    expect([moved.method, moved.url.href, moved.headers.get('a'), moved.body]).toEqual(['POST', 'http://other.test/b', '1', original.body]);

    const asGet = original.with({ method: 'GET', body: null });
    expect([asGet.method, asGet.body]).toEqual(['GET', undefined]);

    const reheaded = original.with({ headers: { B: '2' } });
    expect([...reheaded.headers]).toEqual([['B', '2']]);

    const rebodied = original.with({ body: 'new' });
    expect(rebodied.body).toEqual(new Uint8Array([0x6e, 0x65, 0x77]));

    const copy = original.with({});
    copy.headers.append('C', '3');
    expect([...original.headers]).toEqual([['A', '1']]);
    expect([original.method, original.url.href]).toEqual(['POST', 'http://e.test/a']);
  });

  it('throws on a URL that is not absolute', () => {
    expect(() => new HttpRequest('GET', '/relative')).toThrow();
  });
});

describe('HttpRequest URL', () => {
  it('refuses a relative or malformed URL with a typed error', () => {
    for (const url of ['/relative', 'http://', '']) {
      expect(() => new HttpRequest('GET', url)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_URL' }));
    }
  });
});
