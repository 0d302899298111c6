import { byteString, concatBytes, excerpt, fromByteString, utf8 } from '../../lib/message/bytes';
import { hasListToken, invalidFieldValueIndex, isToken, listTokens, skipOws, skipOwsBack, token68End, trimOws } from '../../lib/message/syntax';

describe('syntax', () => {
  it('isToken: tchar only, not empty', () => {
    expect(["!#$%&'*+-.^_`|~", 'Az09', 'x'].map(isToken)).toEqual([true, true, true]);
    expect(['', 'a b', 'a:b', 'a,b', '(a)', 'a"', 'a\u00e9', 'a\u0100', 'a\0', 'a\x7f', 'a/b'].map(isToken)).toEqual(Array(11).fill(false));
  });

  it('invalidFieldValueIndex: the first CR, LF, NUL, control, DEL or char above 0xFF', () => {
    expect(invalidFieldValueIndex('')).toBe(-1);
    expect(invalidFieldValueIndex('a b\tc \u0080\u00ff')).toBe(-1);
    expect(['x\r', 'x\n', 'x\0', 'x\x01', 'x\x1f', 'x\x7f', 'x\u0100', 'x\u20ac'].map(invalidFieldValueIndex)).toEqual(Array(8).fill(1));
  });

  it('listTokens: comma-split across fields, OWS-trimmed, empty elements dropped, lower-cased', () => {
    expect(listTokens(['Keep-Alive, ,close ', '\tUpgrade,,', ''])).toEqual(['keep-alive', 'close', 'upgrade']);
    expect(listTokens([])).toEqual([]);
  });

  it('trimOws trims SP and HTAB only (not NBSP or other controls)', () => {
    expect(trimOws(' \t a b \t ')).toBe('a b');
    expect(trimOws('\xa0a\xa0')).toBe('\xa0a\xa0');
    expect(trimOws('\x0ba\x0c')).toBe('\x0ba\x0c');
    expect(trimOws('   ')).toBe('');
  });

  it('skipOws / skipOwsBack move over SP and HTAB within a range, and stop at its ends', () => {
    expect(skipOws('a \t b', 1, 5)).toBe(4);
    expect(skipOws('a  ', 1, 2)).toBe(2);
    expect(skipOwsBack('a \t b', 0, 4)).toBe(1);
    expect(skipOwsBack('  ', 1, 2)).toBe(1);
  });

  it('token68End: token68 chars, then any =, or nothing', () => {
    expect(token68End('abc+/-._~==', 0)).toBe(11);
    expect(token68End('x ab== y', 2)).toBe(6);
    expect(token68End('a=b', 0)).toBe(2);
    expect(token68End('=abc', 0)).toBe(0);
    expect(token68End('', 0)).toBe(0);
  });
});

describe('bytes', () => {
  it('byteString / fromByteString map octets to chars one to one', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = byteString(all);
    expect(text).toHaveLength(256);
    expect(fromByteString(text)).toEqual(all);
    expect(byteString(all, 65, 68)).toBe('ABC');
  });

  it('byteString handles ranges longer than one String.fromCharCode call', () => {
    const big = new Uint8Array(100_000).fill(0x61);
    expect(byteString(big)).toBe('a'.repeat(100_000));
  });

  it('concatBytes joins two views, returning the other when one is empty', () => {
    const a = utf8('ab');
    const empty = new Uint8Array(0);
    expect(concatBytes(a, empty)).toBe(a);
    expect(concatBytes(empty, a)).toBe(a);
    expect(byteString(concatBytes(a, utf8('cd')))).toBe('abcd');
  });

  it('excerpt marks the offset, escapes bytes, and elides what is far away', () => {
    expect(excerpt(fromByteString('ab\r\n\t\\\0\xffz'), 2)).toBe('ab⟨\\r⟩\\n\\t\\\\\\x00\\xffz');
    expect(excerpt(fromByteString('abc'), 3)).toBe('abc⟨end⟩');
    const long = fromByteString('x'.repeat(100));
    expect(excerpt(long, 50, 4)).toBe('…xxxx⟨x⟩xxx…');
  });

  it('excerpt of a string shows a char above 0xFF as \\u and four hex digits', () => {
    expect(excerpt('a\u20acb\xff', 1)).toBe('a⟨\\u20ac⟩b\\xff');
  });
});

describe('hasListToken', () => {
  it.each([
    [['close'], 'close', true],
    [['Close'], 'close', true],
    [['foo, CLOSE'], 'close', true],
    [['foo', ' close '], 'close', true],
    [['\tkeep-alive\t, x'], 'keep-alive', true],
    [[',,close,,'], 'close', true],
    [['closed'], 'close', false],
    [['cl ose'], 'close', false],
    [['close\xa0'], 'close', false],
    [[], 'close', false],
    [[''], 'close', false],
  ])('%j has %s: %s', (values, token, expected) => {
    expect(hasListToken(values, token)).toBe(expected);
    expect(listTokens(values).includes(token)).toBe(expected);
  });
});
