import fc from 'fast-check';
import { challengesOf, parseChallenges, type Challenge } from '../../lib/auth/challenge';
import { ParseError, UsageError } from '../../lib/message/errors';
import { Headers } from '../../lib/message/headers';

const c = (scheme: string, params: Record<string, string> = {}, token68?: string): Challenge =>
  token68 === undefined ? { scheme, params } : { scheme, params, token68 };

/** The ParseError thrown for `value`, with its code and offset checked. */
function parseError(value: string | string[], offset: number): ParseError {
  try {
    parseChallenges(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    const e = error as ParseError;
    expect(e.code).toBe('ERR_INVALID_HEADER');
    expect(e.offset).toBe(offset);
    return e;
  }
  throw new Error(`expected a ParseError for ${JSON.stringify(value)}`);
}

describe('parseChallenges: RFC examples', () => {
  it('RFC 7617 §2: Basic realm="WallyWorld"', () => {
    expect(parseChallenges('Basic realm="WallyWorld"')).toEqual([c('Basic', { realm: 'WallyWorld' })]);
  });

  it('RFC 7617 §2.1: Basic realm="foo", charset="UTF-8"', () => {
    expect(parseChallenges('Basic realm="foo", charset="UTF-8"')).toEqual([c('Basic', { realm: 'foo', charset: 'UTF-8' })]);
  });

  it('RFC 9110 §11.6.1: two challenges, one with a quoted-pair, in the RFC order', () => {
    expect(parseChallenges('Basic realm="simple", Newauth realm="apps", type=1, title="Login to \\"apps\\""')).toEqual([
      c('Basic', { realm: 'simple' }),
      c('Newauth', { realm: 'apps', type: '1', title: 'Login to "apps"' }),
    ]);
  });

  it('RFC 9110 §11.6.1: the same challenges the other way round', () => {
    expect(parseChallenges('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"')).toEqual([
      c('Newauth', { realm: 'apps', type: '1', title: 'Login to "apps"' }),
      c('Basic', { realm: 'simple' }),
    ]);
  });

  it('RFC 9110 §11.6.1: the example as two folded lines sent as two fields', () => {
    const headers = new Headers([
      ['WWW-Authenticate', 'Basic realm="simple", Newauth realm="apps",'],
      ['www-authenticate', 'type=1, title="Login to \\"apps\\""'],
    ]);
    // Each field is parsed on its own: the second field's params cannot join the first field's challenge.
    expect(() => challengesOf(headers)).toThrow(ParseError);
    // Joined as one field value (what a recipient may do, RFC 9110 §5.3), they parse.
    expect(parseChallenges(headers.get('www-authenticate')!)).toEqual([
      c('Basic', { realm: 'simple' }),
      c('Newauth', { realm: 'apps', type: '1', title: 'Login to "apps"' }),
    ]);
  });

  it('RFC 9110 §11.7.1: Proxy-Authenticate: Basic realm="simple"', () => {
    const headers = new Headers({ 'Proxy-Authenticate': 'Basic realm="simple"', 'WWW-Authenticate': 'Bearer' });
    expect(challengesOf(headers, true)).toEqual([c('Basic', { realm: 'simple' })]);
    expect(challengesOf(headers)).toEqual([c('Bearer')]);
  });

  it('RFC 6750 §3: Bearer realm="example"', () => {
    expect(parseChallenges('Bearer realm="example"')).toEqual([c('Bearer', { realm: 'example' })]);
  });

  it('RFC 6750 §3: an expired token', () => {
    const value = 'Bearer realm="example",\r\n error="invalid_token",\r\n error_description="The access token expired"'
      .replace(/\r\n/g, ''); // obs-fold removed, as a parser would replace it with SP
    expect(parseChallenges(value)).toEqual([
      c('Bearer', { realm: 'example', error: 'invalid_token', error_description: 'The access token expired' }),
    ]);
  });

  it('RFC 6750 §3: a scope with spaces', () => {
    expect(parseChallenges('Bearer realm="example", scope="openid profile email"')).toEqual([
      c('Bearer', { realm: 'example', scope: 'openid profile email' }),
    ]);
  });

  it('RFC 4559 style: Negotiate with a token68, and a bare Negotiate', () => {
    expect(parseChallenges('Negotiate abc123==')).toEqual([c('Negotiate', {}, 'abc123==')]);
    expect(parseChallenges('Negotiate')).toEqual([c('Negotiate')]);
  });
});

describe('parseChallenges: lists and syntax', () => {
  it('several challenges in one field', () => {
    expect(parseChallenges('Basic realm="a", Bearer realm="b", error="invalid_token"')).toEqual([
      c('Basic', { realm: 'a' }),
      c('Bearer', { realm: 'b', error: 'invalid_token' }),
    ]);
  });

  it('several fields, from getAll(), in order', () => {
    const headers = new Headers([
      ['WWW-Authenticate', 'Negotiate'],
      ['Content-Type', 'text/plain'],
      ['WWW-Authenticate', 'Basic realm="a", Bearer'],
      ['www-authenticate', 'NTLM'],
    ]);
    const expected = [c('Negotiate'), c('Basic', { realm: 'a' }), c('Bearer'), c('NTLM')];
    expect(parseChallenges(headers.getAll('www-authenticate'))).toEqual(expected);
    expect(challengesOf(headers)).toEqual(expected);
    expect(parseChallenges(new Set(['Negotiate', 'NTLM']))).toEqual([c('Negotiate'), c('NTLM')]);
  });

  it('quoted strings with spaces, commas, equals signs and quoted-pairs', () => {
    expect(parseChallenges('Basic realm="a, b=c \\"d\\" \\\\ e\\f", x="", y="\t"')).toEqual([
      c('Basic', { realm: 'a, b=c "d" \\ ef', x: '', y: '\t' }),
    ]);
  });

  it('obs-text and non-Latin-1 characters in a quoted string', () => {
    expect(parseChallenges('Basic realm="caf\u00e9 \u00ff", x="\u65e5\u672c"')).toEqual([
      c('Basic', { realm: 'caf\u00e9 \u00ff', x: '\u65e5\u672c' }),
    ]);
  });

  it('token68 values: padding, "/", "+", "~", followed by other challenges', () => {
    expect(parseChallenges('Negotiate YII/+a.b_c~-9==, NTLM TlRMTVNTUAABAAAA, Basic realm="x"')).toEqual([
      c('Negotiate', {}, 'YII/+a.b_c~-9=='),
      c('NTLM', {}, 'TlRMTVNTUAABAAAA'),
      c('Basic', { realm: 'x' }),
    ]);
    expect(parseChallenges('Negotiate abc= , Basic')).toEqual([c('Negotiate', {}, 'abc='), c('Basic')]);
    expect(parseChallenges('Negotiate a')).toEqual([c('Negotiate', {}, 'a')]);
  });

  it('a lone token (with or without "=") after a scheme is a token68 (the grammar says so)', () => {
    expect(parseChallenges('Basic realm')).toEqual([c('Basic', {}, 'realm')]);
    expect(parseChallenges('Basic realm=')).toEqual([c('Basic', {}, 'realm=')]);
    expect(parseChallenges('Basic realm=, Bearer')).toEqual([c('Basic', {}, 'realm='), c('Bearer')]);
  });

  it('optional whitespace (BWS) around "=" and OWS around commas, SP or HTAB', () => {
    expect(parseChallenges('Basic realm = "x" ,charset=\tUTF-8\t,  Bearer\terror =invalid_token')).toEqual([
      c('Basic', { realm: 'x', charset: 'UTF-8' }),
      c('Bearer', { error: 'invalid_token' }),
    ]);
  });

  it('empty list elements', () => {
    expect(parseChallenges(', , Basic realm="x", , ,Bearer ,,, ')).toEqual([c('Basic', { realm: 'x' }), c('Bearer')]);
    expect(parseChallenges('Basic , , realm="x"')).toEqual([c('Basic', { realm: 'x' })]);
    expect(parseChallenges('Basic realm="x",,charset=UTF-8')).toEqual([c('Basic', { realm: 'x', charset: 'UTF-8' })]);
    expect(parseChallenges(' , ,\t')).toEqual([]);
  });

  it('schemes with no parameters', () => {
    expect(parseChallenges('Basic')).toEqual([c('Basic')]);
    expect(parseChallenges('Basic, Bearer,Negotiate  ')).toEqual([c('Basic'), c('Bearer'), c('Negotiate')]);
  });

  it('a scheme directly followed by a comma still takes the parameters after it (lenient)', () => {
    expect(parseChallenges('Basic, realm="x"')).toEqual([c('Basic', { realm: 'x' })]);
  });

  it('keeps the scheme as received and lower-cases parameter names, not values', () => {
    expect(parseChallenges('bAsIc ReAlM="MiXeD", CharSet=UTF-8')).toEqual([c('bAsIc', { realm: 'MiXeD', charset: 'UTF-8' })]);
  });

  it('token values with every tchar', () => {
    expect(parseChallenges("X a=!#$%&'*+-.^_`|~09AZaz")).toEqual([c('X', { a: "!#$%&'*+-.^_`|~09AZaz" })]);
  });

  it('an empty or missing field gives no challenges', () => {
    expect(parseChallenges('')).toEqual([]);
    expect(parseChallenges([])).toEqual([]);
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges(new Headers().get('www-authenticate'))).toEqual([]);
    expect(challengesOf(new Headers())).toEqual([]);
  });

  it('a parameter named __proto__ is an ordinary property', () => {
    const [challenge] = parseChallenges('Basic __proto__="x", constructor=y');
    expect(Object.getPrototypeOf(challenge.params)).toBe(Object.prototype);
    expect(Object.keys(challenge.params)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(challenge.params, '__proto__')?.value).toBe('x');
    expect(challenge.params.constructor).toBe('y');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('parseChallenges: malformed input', () => {
  it.each([
    ['an unterminated quoted string', 'Basic realm="abc', 16],
    ['a backslash at the end of a quoted string', 'Basic realm="abc\\', 17],
    ['a CTL in a quoted string', 'Basic realm="a\u0001b"', 14],
    ['a CTL after a backslash', 'Basic realm="a\\\u0000"', 15],
    ['DEL in a quoted string', 'Basic realm="a\u007f"', 14],
    ['a token68 followed by params', 'Negotiate abc==, realm="x"', 17],
    ['a token68 followed by a param without a comma', 'Negotiate abc== realm="x"', 14],
    ['a param after a token68 without padding', 'Negotiate abc, realm="x"', 15],
    ['a missing value', 'Basic realm="x", charset=', 25],
    ['a missing value before a comma', 'Basic realm="x", charset= , Bearer', 26],
    ['a double "="', 'Basic realm=="x"', 12],
    ['a value that is not a token', 'Basic realm=a/b', 13],
    ['text after a quoted string', 'Basic realm="a"x', 15],
    ['a second token after a param value', 'Basic realm="a" b', 16],
    ['a quoted scheme', '"Basic"', 0],
    ['a param with no name', 'Basic realm="a", ="b"', 17],
    ['a param with no name after a scheme', 'Basic ="b"', 6],
    ['a repeated parameter name (any case)', 'Basic realm="a", REALM="b"', 17],
    ['a semicolon after the scheme', 'Basic;realm=x', 5],
    ['a quote right after the scheme', 'Basic"x"', 5],
    ['a param name that is not a token', 'Basic re/alm="x"', 8],
    ['a scheme that is only "="', '=', 0],
    ['a CR in the field', 'Basic\r\nrealm="x"', 5],
    ['a token68 with a space before the padding', 'Negotiate abc ==', 15],
  ])('refuses %s', (_name, value, offset) => {
    parseError(value, offset);
  });

  it('gives the offset into the field that failed, and an excerpt', () => {
    const error = parseError(['Basic realm="ok"', 'Bearer error="invalid'], 21);
    expect(error.expected).toMatch(/closing/);
    expect(error.excerpt).toBe('Bearer error="invalid⟨end⟩');
    expect(error.message).toContain('21');
    expect(parseError('Basic realm="a\u0001b"', 14).excerpt).toBe('Basic realm="a⟨\\x01⟩b"');
  });

  it('refuses arguments that are not strings with a UsageError', () => {
    for (const bad of [42, {}, [42], ['ok', null]]) {
      let error: unknown;
      try {
        parseChallenges(bad as unknown as string[]);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).code).toBe('ERR_INVALID_ARGUMENT');
    }
  });
});

describe('parseChallenges: bounded work', () => {
  const timed = (value: string): number => {
    const start = Date.now();
    try {
      parseChallenges(value);
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError);
    }
    return Date.now() - start;
  };

  it.each([
    ['many empty elements', ', '.repeat(500_000)],
    ['many challenges', 'Basic, '.repeat(200_000)],
    ['many params', `X ${Array.from({ length: 100_000 }, (_, i) => `p${i}=v`).join(', ')}`],
    ['a long unterminated quoted string of escapes', `Basic realm="${'\\"'.repeat(500_000)}`],
    ['a long token68 that turns out to be a param', `Negotiate ${'a'.repeat(500_000)}${'='.repeat(500_000)}x`],
    ['long whitespace before "="', `Basic realm${' '.repeat(500_000)}x`],
    ['many near-token68 elements', 'N a=, '.repeat(100_000)],
  ])('parses %s in linear time', (_name, value) => {
    expect(timed(value)).toBeLessThan(2000);
  });
});

describe('parseChallenges: properties', () => {
  const tchars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const token = fc.string({ unit: fc.constantFrom(...tchars), minLength: 1, maxLength: 8 });
  const token68 = fc
    .tuple(fc.string({ unit: fc.constantFrom(...'abcXYZ019-._~+/'), minLength: 1, maxLength: 8 }), fc.nat(2))
    .map(([body, pad]) => body + '='.repeat(pad));
  const qdchar = fc.constantFrom(...' \t!"#\\,=abcZ\u00e9\u00ff');
  const ows = fc.constantFrom('', ' ', '\t', '  ');
  const paramValue = fc.oneof(token, fc.string({ unit: qdchar, maxLength: 10 }));
  const challenge = fc.oneof(
    fc.record({ scheme: token, params: fc.dictionary(token.map((t) => t.toLowerCase()), paramValue, { maxKeys: 4 }) }),
    fc.record({ scheme: token, params: fc.constant({}), token68 }),
  );

  const serialise = (cs: Challenge[], space: string[]): string =>
    cs
      .map((ch, i) => {
        const s = space[i % space.length];
        if (ch.token68 !== undefined) return `${ch.scheme} ${s}${ch.token68}`;
        const params = Object.entries(ch.params).map(([name, value]) => {
          const isToken = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value);
          return `${name}${s}=${s}${isToken ? value : `"${value.replace(/["\\]/g, (x) => `\\${x}`)}"`}`;
        });
        return params.length === 0 ? ch.scheme : `${ch.scheme} ${params.join(`${s},${s}`)}`;
      })
      .join(`${space[0]},${space[space.length - 1]}`);

  it('parses what a sender serialises, back to the same challenges', () => {
    fc.assert(
      fc.property(fc.array(challenge, { maxLength: 4 }), fc.array(ows, { minLength: 1, maxLength: 3 }), (cs, space) => {
        const parsed = parseChallenges(serialise(cs, space));
        expect(parsed).toEqual(cs.map((ch) => ({ ...ch, params: { ...ch.params } })));
      }),
      { numRuns: 1000 },
    );
  });

  it('throws nothing but ParseError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'aB1 \t,="\\/=+\u0001\u00e9;') , maxLength: 40 }), (value) => {
        try {
          const out = parseChallenges(value);
          for (const ch of out) expect(ch.scheme.length).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
          const offset = (error as ParseError).offset;
          expect(offset).toBeGreaterThanOrEqual(0);
          expect(offset).toBeLessThanOrEqual(value.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
