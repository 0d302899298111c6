import { WellKnownDiscovery, wellKnownUrl } from '../../lib/auth/well-known';
import { HttpRequest } from '../../lib/message/request';
import { Http10Protocol } from '../../lib/protocol/http10-protocol';
import { Http11Protocol } from '../../lib/protocol/http11-protocol';
import type { Http1Result } from '../../lib/protocol/http1-protocol';
import { bytesOf, latin1 } from '../support/bytes';
import { driveAllSplits, type Outcome } from '../support/drive';
import { usageError } from '../support/failures';

describe('wellKnownUrl (RFC 8615)', () => {
  it.each([
    ['https://example.com', 'openid-configuration', 'https://example.com/.well-known/openid-configuration'],
    ['https://example.com/', 'security.txt', 'https://example.com/.well-known/security.txt'],
    ['https://example.com/tenant/a/b?x=1#frag', 'host-meta', 'https://example.com/.well-known/host-meta'],
    ['http://example.com:8080/path', 'change-password', 'http://example.com:8080/.well-known/change-password'],
    ['https://EXAMPLE.com:443/', 'x', 'https://example.com/.well-known/x'],
    ['https://user:secret@example.com/p', 'x', 'https://example.com/.well-known/x'],
    ['http://[::1]:3000', 'acme-challenge', 'http://[::1]:3000/.well-known/acme-challenge'],
    ['https://example.com', "a-z_A.Z~0:9@!$&'()*+,;=", "https://example.com/.well-known/a-z_A.Z~0:9@!$&'()*+,;="],
    ['https://example.com', 'caf%C3%A9', 'https://example.com/.well-known/caf%C3%A9'],
    ['https://example.com', '...', 'https://example.com/.well-known/...'],
  ])('%s + %s → %s', (base, name, expected) => {
    expect(wellKnownUrl(base, name).href).toBe(expected);
    expect(wellKnownUrl(new URL(base), name).href).toBe(expected);
  });

  it('does not change the URL it was given', () => {
    const base = new URL('https://example.com/a?b#c');
    wellKnownUrl(base, 'x');
    expect(base.href).toBe('https://example.com/a?b#c');
  });

  it.each([
    ['empty', ''],
    ['a slash', 'a/b'],
    ['a leading slash', '/x'],
    ['a question mark', 'x?y'],
    ['a hash', 'x#y'],
    ['a space', 'a b'],
    ['a backslash', 'a\\b'],
    ['non-ASCII', 'café'],
    ['a bad percent escape', 'a%2'],
    ['a percent with no digits', 'a%zz'],
    ['"."', '.'],
    ['".."', '..'],
    ['"%2e"', '%2e'],
    ['".%2E"', '.%2E'],
    ['"%2e%2e"', '%2e%2e'],
    ['a CR LF', 'x\r\nHost: evil'],
  ])('refuses a name with %s', (_what, name) => {
    usageError(() => wellKnownUrl('https://example.com', name), 'ERR_INVALID_WELL_KNOWN_NAME');
  });

  it('refuses a name that is not a string', () => {
    usageError(() => wellKnownUrl('https://example.com', undefined as unknown as string), 'ERR_INVALID_WELL_KNOWN_NAME');
  });

  it.each([
    ['a relative URL', '/path'],
    ['not a URL', 'example.com'],
    ['ftp', 'ftp://example.com/'],
    ['file', 'file:///etc/passwd'],
    ['ws', 'ws://example.com/'],
    ['data', 'data:text/plain,hi'],
  ])('refuses a base that is %s', (_what, base) => {
    usageError(() => wellKnownUrl(base, 'x'), 'ERR_INVALID_URL');
  });

  it('does not echo a base that failed to parse (it may hold credentials)', () => {
    const error = usageError(() => wellKnownUrl('https://user:hunter2@exa mple.com', 'x'), 'ERR_INVALID_URL');
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses a base that is neither a string nor a URL', () => {
    usageError(() => wellKnownUrl(42 as unknown as string, 'x'), 'ERR_INVALID_URL');
  });
});

/** What the outcome says, in plain values (the same however the input was split). */
function plain(outcome: Outcome): unknown {
  const result = outcome.result as (Http1Result & { url: URL }) | undefined;
  if (!result) return { error: outcome.error, yields: outcome.yields };
  return {
    url: result.url.href,
    status: result.response.status,
    version: result.response.version,
    headers: result.response.headers.toJSON(),
    body: result.response.text(),
    keepAlive: result.keepAlive,
    remaining: latin1(result.remaining),
    redirect: result.redirect && { url: result.redirect.url.href, sameOrigin: result.redirect.sameOrigin },
    yields: outcome.yields,
  };
}

const json = '{"issuer":"https://example.com"}';

describe('WellKnownDiscovery', () => {
  it('writes a GET of the well-known path with Host, then reads the response', () => {
    const discovery = new WellKnownDiscovery('https://example.com/some/page?q=1', 'openid-configuration');
    expect(discovery.url.href).toBe('https://example.com/.well-known/openid-configuration');
    expect(discovery.request.method).toBe('GET');
    const first = discovery.resume();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ type: 'write' });
    expect(latin1((first.value as { bytes: Uint8Array }).bytes)).toBe(
      'GET /.well-known/openid-configuration HTTP/1.1\r\nHost: example.com\r\n\r\n',
    );
    expect(discovery.resume()).toEqual({ done: false, value: { type: 'read' } });
  });

  it('sends the extra header fields it is given', () => {
    const discovery = new WellKnownDiscovery('http://example.com:8080', 'host-meta', { headers: { Accept: 'application/json' } });
    const first = discovery.resume();
    expect(latin1((first.value as { bytes: Uint8Array }).bytes)).toBe(
      'GET /.well-known/host-meta HTTP/1.1\r\nHost: example.com:8080\r\nAccept: application/json\r\n\r\n',
    );
  });

  it('returns a 200 response with its body, however the bytes are split', () => {
    const input = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`;
    const outcome = driveAllSplits(() => new WellKnownDiscovery('https://example.com', 'openid-configuration'), input, {
      normalize: plain,
    });
    expect(plain(outcome)).toEqual({
      url: 'https://example.com/.well-known/openid-configuration',
      status: 200,
      version: '1.1',
      headers: { 'content-type': 'application/json', 'content-length': String(json.length) },
      body: json,
      keepAlive: true, // complete at the end of the Content-Length body, before any EOF
      remaining: '',
      redirect: undefined,
      yields: [],
    });
    expect((outcome.result as { response: { json(): unknown } }).response.json()).toEqual({ issuer: 'https://example.com' });
  });

  it('returns keepAlive and the bytes read after the response (of the same read)', () => {
    const input = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    const outcome = driveAllSplits(() => new WellKnownDiscovery('https://example.com', 'x'), input, { eof: false, normalize: plain });
    expect(plain(outcome)).toMatchObject({ status: 200, body: 'ok', keepAlive: true, remaining: '' });

    const discovery = new WellKnownDiscovery('https://example.com', 'x');
    discovery.resume();
    discovery.resume();
    const done = discovery.resume(bytesOf(`${input}HTTP/1.1`));
    expect(done.done).toBe(true);
    expect(latin1((done.value as Http1Result).remaining)).toBe('HTTP/1.1');
  });

  it('reports keepAlive false when the server says close', () => {
    const input = 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok';
    const outcome = driveAllSplits(() => new WellKnownDiscovery('https://example.com', 'x'), input, { normalize: plain });
    expect(plain(outcome)).toMatchObject({ status: 200, body: 'ok', keepAlive: false });
  });

  it('returns a chunked response', () => {
    const input = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';
    const outcome = driveAllSplits(() => new WellKnownDiscovery('https://example.com', 'x'), input, { normalize: plain });
    expect(plain(outcome)).toMatchObject({ status: 200, body: 'hello world' });
  });

  it('returns a 404 as a response, not an error: the caller decides what it means', () => {
    const input = 'HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found';
    const outcome = driveAllSplits(() => new WellKnownDiscovery('https://example.com', 'security.txt'), input, { normalize: plain });
    expect(outcome.error).toBeUndefined();
    expect(plain(outcome)).toMatchObject({ url: 'https://example.com/.well-known/security.txt', status: 404, body: 'not found' });
  });

  it('passes a redirect through without following it', () => {
    const input = 'HTTP/1.1 301 Moved Permanently\r\nLocation: https://id.example.com/.well-known/x\r\nContent-Length: 0\r\n\r\n';
    const outcome = driveAllSplits(() => new WellKnownDiscovery('https://example.com', 'x'), input, { normalize: plain });
    expect(plain(outcome)).toMatchObject({ status: 301, redirect: { url: 'https://id.example.com/.well-known/x', sameOrigin: false } });
  });

  it('passes the inner protocol errors through', () => {
    const malformed = driveAllSplits(() => new WellKnownDiscovery('https://example.com', 'x'), 'HTTP/1.1 2OO OK\r\n\r\n', { normalize: plain });
    expect(malformed.error).toMatchObject({ name: 'ParseError', code: 'ERR_INVALID_STATUS_LINE' });
    const cut = driveAllSplits(() => new WellKnownDiscovery('https://example.com', 'x'), 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', {
      normalize: plain,
    });
    expect(cut.error).toMatchObject({ name: 'IncompleteMessageError', code: 'ERR_INCOMPLETE_MESSAGE' });
  });

  it('can run over HTTP/1.0 through the protocol factory', () => {
    const requests: HttpRequest[] = [];
    const make = () =>
      new WellKnownDiscovery('http://example.com/', 'host-meta', {
        protocol: (request) => {
          requests.push(request);
          return new Http10Protocol(request);
        },
      });
    const first = make().resume();
    expect(latin1((first.value as { bytes: Uint8Array }).bytes)).toBe('GET /.well-known/host-meta HTTP/1.0\r\nHost: example.com\r\n\r\n');
    expect(requests[0].url.href).toBe('http://example.com/.well-known/host-meta');
    const outcome = driveAllSplits(make, 'HTTP/1.0 200 OK\r\n\r\n<XRD/>', { normalize: plain });
    expect(plain(outcome)).toMatchObject({ status: 200, version: '1.0', body: '<XRD/>', keepAlive: false });
  });

  it('forwards streaming yields of an inner protocol with options', () => {
    const input = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
    const make = () => new WellKnownDiscovery('https://example.com', 'x', { protocol: (r) => new Http11Protocol(r, { stream: true }) });
    const outcome = driveAllSplits(make, input, {
      normalize: (o) => ({ data: o.data, heads: o.yields.map((y) => (y as { type: string }).type), status: (o.result as Http1Result).response.status }),
    });
    expect(outcome.data).toBe('hello');
    expect(outcome.yields.map((y) => (y as { type: string }).type)).toEqual(['head']);
  });

  it('validates its arguments when constructed', () => {
    usageError(() => new WellKnownDiscovery('ftp://example.com', 'x'), 'ERR_INVALID_URL');
    usageError(() => new WellKnownDiscovery('https://example.com', 'a/b'), 'ERR_INVALID_WELL_KNOWN_NAME');
    usageError(
      () => new WellKnownDiscovery('https://example.com', 'x', { protocol: () => ({}) as unknown as Http10Protocol }),
      'ERR_INVALID_ARGUMENT',
    );
  });

  it('is spent after it completes', () => {
    const discovery = new WellKnownDiscovery('https://example.com', 'x');
    discovery.resume();
    discovery.resume();
    const done = discovery.resume(bytesOf('HTTP/1.1 204 No Content\r\n\r\n'));
    expect(done.done).toBe(true);
    usageError(() => discovery.resume(), 'ERR_PROTOCOL_FINISHED');
  });
});
