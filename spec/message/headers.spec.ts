import { Headers } from '../../lib/message/headers';

const pairs = (h: Headers) => [...h];

describe('Headers', () => {
  it('starts empty', () => {
    const h = new Headers();
    expect(h.size).toBe(0);
    expect(h.get('a')).toBeUndefined();
    expect(h.getAll('a')).toEqual([]);
    expect(h.has('a')).toBe(false);
    expect(pairs(h)).toEqual([]);
    expect(pairs(new Headers(undefined))).toEqual([]);
  });

  it('keeps fields in the order appended, with their casing', () => {
    const h = new Headers().append('Content-Type', 'text/plain').append('x-B', '1').append('X-b', '2');
    expect(pairs(h)).toEqual([
      ['Content-Type', 'text/plain'],
      ['x-B', '1'],
      ['X-b', '2'],
    ]);
    expect(h.size).toBe(3);
  });

  it('looks names up without regard to ASCII case', () => {
    const h = new Headers([['Content-Type', 'text/html']]);
    for (const name of ['content-type', 'CONTENT-TYPE', 'Content-Type', 'cOnTeNt-TyPe']) {
      expect(h.get(name)).toBe('text/html');
      expect(h.has(name)).toBe(true);
      expect(h.getAll(name)).toEqual(['text/html']);
    }
    expect(h.has('content-typ')).toBe(false);
    expect(h.has('content-typee')).toBe(false);
    expect(h.has('content_type')).toBe(false);
  });

  it('folds A-Z only, not other characters', () => {
    const h = new Headers([['X-\u00c9', '1'], ['[', '2'], ['@', '3']]);
    expect(h.has('x-\u00e9')).toBe(false);
    expect(h.has('X-\u00c9')).toBe(true);
    expect(h.has('{')).toBe(false); // '[' | 0x20
    expect(h.has('`')).toBe(false); // '@' | 0x20
  });

  it('get joins repeated fields with ", " in order; getAll keeps them apart', () => {
    const h = new Headers([['Accept', 'a'], ['X', '1'], ['accept', 'b, c'], ['ACCEPT', '']]);
    expect(h.get('accept')).toBe('a, b, c, ');
    expect(h.getAll('Accept')).toEqual(['a', 'b, c', '']);
    const cookies = new Headers([['Set-Cookie', 'a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT'], ['set-cookie', 'b=2']]);
    expect(cookies.getAll('set-cookie')).toEqual(['a=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT', 'b=2']);
  });

  it('get of an empty value is "", not undefined', () => {
    expect(new Headers([['X', '']]).get('x')).toBe('');
  });

  it('set replaces every field of the name with one, at the place of the first', () => {
    const h = new Headers([['A', '1'], ['b', '2'], ['a', '3'], ['C', '4'], ['A', '5']]);
    expect(h.set('a', 'new')).toBe(h);
    expect(pairs(h)).toEqual([
      ['A', 'new'],
      ['b', '2'],
      ['C', '4'],
    ]);
  });

  it('set appends a name that is not there', () => {
    const h = new Headers([['A', '1']]).set('B', '2');
    expect(pairs(h)).toEqual([['A', '1'], ['B', '2']]);
  });

  it('delete removes every field of the name, whatever the case, and keeps the others in order', () => {
    const h = new Headers([['A', '1'], ['b', '2'], ['a', '3'], ['C', '4'], ['A', '5']]);
    expect(h.delete('a')).toBe(h);
    expect(pairs(h)).toEqual([['b', '2'], ['C', '4']]);
    h.delete('missing');
    expect(h.size).toBe(2);
    h.delete('B').delete('c');
    expect(h.size).toBe(0);
  });

  it('entries() and iteration give [name, value] pairs in wire order', () => {
    const h = new Headers([['A', '1'], ['B', '2']]);
    expect([...h.entries()]).toEqual([['A', '1'], ['B', '2']]);
    const seen: string[] = [];
    for (const [name, value] of h) seen.push(`${name}=${value}`);
    expect(seen).toEqual(['A=1', 'B=2']);
  });

  it('is built from a plain object, single values or lists', () => {
    const h = new Headers({ Accept: '*/*', 'Set-Cookie': ['a=1', 'b=2'], 'X-Empty': [] });
    expect(pairs(h)).toEqual([
      ['Accept', '*/*'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
  });

  it('is built from pairs, any iterable of pairs (a Map), or another Headers (copied)', () => {
    expect(pairs(new Headers([['A', '1'], ['a', '2']]))).toEqual([['A', '1'], ['a', '2']]);
    expect(pairs(new Headers(new Map([['X', 'y']])))).toEqual([['X', 'y']]);
    const original = new Headers([['A', '1']]);
    const copy = new Headers(original);
    copy.append('B', '2').set('A', 'changed');
    expect(pairs(original)).toEqual([['A', '1']]);
    expect(pairs(copy)).toEqual([['A', 'changed'], ['B', '2']]);
  });

  it('keeps byte strings (obs-text) as they are', () => {
    const h = new Headers([['X', 'caf\u00e9 \u00ff']]);
    expect(h.get('x')).toBe('caf\u00e9 \u00ff');
  });

  it('toJSON: lower-case names, repeated fields joined', () => {
    const h = new Headers([['Content-Type', 'a'], ['X', '1'], ['content-type', 'b']]);
    expect(h.toJSON()).toEqual({ 'content-type': 'a, b', x: '1' });
    expect(JSON.stringify(h)).toBe('{"content-type":"a, b","x":"1"}');
  });

  it('does not confuse a name with an Object.prototype key', () => {
    const h = new Headers([['constructor', 'x'], ['__proto__', 'y']]);
    expect(h.get('constructor')).toBe('x');
    expect(h.get('toString')).toBeUndefined();
    const json = h.toJSON();
    expect(Object.keys(json)).toEqual(['constructor', '__proto__']);
    expect(json.constructor).toBe('x');
    expect(Object.getOwnPropertyDescriptor(json, '__proto__')?.value).toBe('y');
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect(JSON.stringify(h)).toBe('{"constructor":"x","__proto__":"y"}');
  });
});
