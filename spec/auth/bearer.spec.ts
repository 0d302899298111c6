import { inspect, format } from 'node:util';
import { BearerAuth, bearerCredentials } from '../../lib/auth/bearer';
import type { UsageError } from '../../lib/message/errors';
import { Headers } from '../../lib/message/headers';
import { usageError } from '../support/failures';

/** The UsageError 'ERR_INVALID_CREDENTIALS' thrown by `fn`. */
const credentialsError = (fn: () => unknown): UsageError => usageError(fn, 'ERR_INVALID_CREDENTIALS');

describe('bearerCredentials (RFC 6750 §2.1)', () => {
  it('gives the RFC 6750 §2.1 example', () => {
    expect(bearerCredentials('mF_9.B5f-4.1JqM')).toBe('Bearer mF_9.B5f-4.1JqM');
  });

  it.each([
    'a',
    'abc.DEF-123_~+/',
    'abc=',
    'abc==',
    'QWxhZGRpbjpvcGVuIHNlc2FtZQ==',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
    '/',
    '+',
  ])('accepts the b64token %j', (token) => {
    expect(bearerCredentials(token)).toBe(`Bearer ${token}`);
  });

  it.each([
    ['empty', ''],
    ['only padding', '=='],
    ['padding in the middle', 'ab=cd'],
    ['a space', 'secret token'],
    ['a leading space', ' secrettoken'],
    ['a trailing space', 'secrettoken '],
    ['a quote', 'secret"token'],
    ['a comma', 'secret,token'],
    ['CR LF (header injection)', 'secrettoken\r\nX-Evil: 1'],
    ['a NUL', 'secret\u0000token'],
    ['non-ASCII', 'secrét'],
    ['a colon', 'secret:token'],
    ['an astral character', 'secret😀'],
  ])('refuses a token with %s, without echoing it', (_name, token) => {
    const error = credentialsError(() => bearerCredentials(token));
    if (token.length > 2) {
      expect(error.message).not.toContain(token);
      expect(error.message).not.toContain('secret');
    }
  });

  it('refuses a non-string token', () => {
    credentialsError(() => bearerCredentials(undefined as unknown as string));
    credentialsError(() => bearerCredentials(123 as unknown as string));
  });

  it('checks a long token in linear time', () => {
    const token = 'a'.repeat(1_000_000) + '='.repeat(1_000_000) + '!';
    const start = Date.now();
    credentialsError(() => bearerCredentials(token));
    expect(Date.now() - start).toBeLessThan(1000);
  });
});

describe('BearerAuth', () => {
  const token = 'mF_9.B5f-4.1JqM';
  const auth = new BearerAuth(token);

  it('gives the Authorization field value and sets it', () => {
    expect(auth.authorization()).toBe('Bearer mF_9.B5f-4.1JqM');
    expect(auth.scheme).toBe('Bearer');
    const headers = auth.apply(new Headers());
    expect(headers.get('authorization')).toBe('Bearer mF_9.B5f-4.1JqM');
    auth.apply(headers, true);
    expect(headers.get('proxy-authorization')).toBe('Bearer mF_9.B5f-4.1JqM');
  });

  it('validates its token', () => {
    credentialsError(() => new BearerAuth('bad token'));
  });

  it.each([
    ['String()', () => String(auth)],
    ['JSON.stringify', () => JSON.stringify({ auth })],
    ['util.inspect', () => inspect({ auth })],
    ['util.inspect showHidden', () => inspect(auth, { showHidden: true, depth: Infinity })],
    ['util.format %o', () => format('%o', auth)],
    ['Object spread', () => inspect({ ...auth }, { customInspect: false })],
  ])('keeps the token out of %s', (_name, render) => {
    expect(render()).not.toContain(token);
  });

  it('shows a redacted form', () => {
    expect(String(auth)).toBe("BearerAuth { token: '***' }");
    expect(inspect(auth)).toBe("BearerAuth { token: '***' }");
    expect(JSON.parse(JSON.stringify(auth))).toEqual({ scheme: 'Bearer', token: '***' });
  });
});
