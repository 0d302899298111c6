import { inspect, format } from 'node:util';
import { BasicAuth, basicCredentials } from '../../lib/auth/basic';
import type { UsageError } from '../../lib/message/errors';
import { Headers } from '../../lib/message/headers';
import { usageError } from '../support/failures';

/** The UsageError 'ERR_INVALID_CREDENTIALS' thrown by `fn`. */
const credentialsError = (fn: () => unknown): UsageError => usageError(fn, 'ERR_INVALID_CREDENTIALS');

describe('basicCredentials (RFC 7617)', () => {
  it('encodes the RFC 7617 §2 example Aladdin / open sesame', () => {
    expect(basicCredentials('Aladdin', 'open sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  });

  it('encodes the RFC 7617 §2.1 UTF-8 example test / 123£', () => {
    expect(basicCredentials('test', '123\u00a3')).toBe('Basic dGVzdDoxMjPCow==');
  });

  it('encodes non-Latin-1 characters and astral characters as UTF-8', () => {
    expect(basicCredentials('ユーザ', 'p😀')).toBe(`Basic ${Buffer.from('ユーザ:p😀', 'utf8').toString('base64')}`);
  });

  it('allows an empty user-id, an empty password and colons in the password', () => {
    expect(basicCredentials('', '')).toBe('Basic Og==');
    expect(basicCredentials('user', 'a:b:c')).toBe(`Basic ${Buffer.from('user:a:b:c').toString('base64')}`);
  });

  it('does not normalise Unicode: the bytes are the UTF-8 of the strings as given', () => {
    const decomposed = 'e\u0301';
    expect(basicCredentials(decomposed, 'x')).toBe(`Basic ${Buffer.from('e\u0301:x').toString('base64')}`);
    expect(basicCredentials(decomposed, 'x')).not.toBe(basicCredentials('\u00e9', 'x'));
  });

  it("refuses a ':' in the user-id", () => {
    const error = credentialsError(() => basicCredentials('ali:ce', 'hunter2'));
    expect(error.message).toContain("':'");
    expect(error.message).not.toContain('hunter2');
  });

  it.each([
    ['NUL', '\u0000'],
    ['TAB', '\t'],
    ['CR', '\r'],
    ['LF', '\n'],
    ['US', '\u001f'],
    ['DEL', '\u007f'],
  ])('refuses %s in the user-id or the password, without echoing the password', (_name, ctl) => {
    credentialsError(() => basicCredentials(`al${ctl}ice`, 'pw'));
    const error = credentialsError(() => basicCredentials('alice', `sec${ctl}ret-pw`));
    expect(error.message).toContain('password');
    expect(error.message).not.toContain('sec');
    expect(error.message).not.toContain('ret-pw');
  });

  it('refuses lone surrogates, which UTF-8 cannot encode', () => {
    credentialsError(() => basicCredentials('a\ud800', 'pw'));
    credentialsError(() => basicCredentials('alice', 'x\udc00y'));
    credentialsError(() => basicCredentials('alice', 'x\ud83d'));
  });

  it('refuses non-string arguments', () => {
    credentialsError(() => basicCredentials(undefined as unknown as string, 'pw'));
    credentialsError(() => basicCredentials('alice', 42 as unknown as string));
    credentialsError(() => basicCredentials('alice', null as unknown as string));
  });
});

describe('BasicAuth', () => {
  const auth = new BasicAuth('alice', 'open sesame');
  const encoded = Buffer.from('alice:open sesame').toString('base64');
  const secrets = ['open sesame', encoded];

  it('gives the Authorization field value', () => {
    expect(auth.authorization()).toBe(`Basic ${encoded}`);
    expect(auth.user).toBe('alice');
    expect(auth.scheme).toBe('Basic');
  });

  it('sets Authorization or Proxy-Authorization, replacing an existing field', () => {
    const headers = new Headers([['authorization', 'old'], ['Accept', '*/*']]);
    auth.apply(headers);
    expect(headers.getAll('Authorization')).toEqual([`Basic ${encoded}`]);
    auth.apply(headers, true);
    expect(headers.get('Proxy-Authorization')).toBe(`Basic ${encoded}`);
  });

  it('validates like basicCredentials', () => {
    credentialsError(() => new BasicAuth('a:b', 'c'));
    credentialsError(() => new BasicAuth('a', 'b\nc'));
  });

  it.each([
    ['String()', () => String(auth)],
    ['template literal', () => `${auth}`],
    ['JSON.stringify', () => JSON.stringify(auth)],
    ['JSON.stringify nested', () => JSON.stringify({ auth })],
    ['util.inspect', () => inspect(auth)],
    ['util.inspect nested', () => inspect({ deep: { auth } })],
    ['util.inspect showHidden', () => inspect(auth, { showHidden: true, depth: Infinity })],
    ['util.format %o', () => format('%o', auth)],
    ['util.format %j', () => format('%j', auth)],
    ['Object spread', () => inspect({ ...auth }, { customInspect: false })],
    ['Object.entries', () => JSON.stringify(Object.entries(auth))],
  ])('keeps the password out of %s', (_name, render) => {
    const text = render();
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('shows a redacted form', () => {
    expect(String(auth)).toBe("BasicAuth { user: 'alice', pass: '***' }");
    expect(inspect(auth)).toBe("BasicAuth { user: 'alice', pass: '***' }");
    expect(JSON.parse(JSON.stringify(auth))).toEqual({ scheme: 'Basic', user: 'alice', pass: '***' });
  });

  it('escapes quotes in the user-id it shows', () => {
    expect(String(new BasicAuth("o'brien\\", 'x'))).toBe("BasicAuth { user: 'o\\'brien\\\\', pass: '***' }");
  });
});
