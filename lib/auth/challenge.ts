/**
 * `WWW-Authenticate` / `Proxy-Authenticate` parsing (RFC 9110 §11.2-11.7):
 *
 *   challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param  = token BWS "=" BWS ( token / quoted-string )
 *   token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 *
 * Challenges and their parameters share one comma-separated list, so an element `name = …` belongs to the
 * challenge before it and any other element starts a new challenge. One pass, a bounded look-ahead per
 * element, no regular expressions: linear time in the length of the field.
 */
import { excerpt } from '../message/bytes';
import { ParseError, UsageError } from '../message/errors';
import type { Headers } from '../message/headers';
import { isOws, skipOws, TOKEN_CHAR, token68End } from '../message/syntax';

/** One challenge. */
export interface Challenge {
  /** The auth-scheme as received (compare it case-insensitively). */
  scheme: string;
  /** The auth-params, names lower-cased (they are case-insensitive), quoted-string values unescaped. */
  params: Record<string, string>;
  /** The token68, for schemes that send one instead of parameters (such as `Negotiate abc123==`). */
  token68?: string;
}

/**
 * The challenges of one field value, or of several (as from `headers.getAll('WWW-Authenticate')`), in order.
 * `undefined` (a missing field) gives `[]`. Malformed input throws ParseError 'ERR_INVALID_HEADER' whose
 * `offset` is the character offset into the field value that failed.
 */
export function parseChallenges(value: string | Iterable<string> | undefined | null): Challenge[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return parseField(value);
  if (typeof (value as Partial<Iterable<string>>)[Symbol.iterator] !== 'function') {
    throw new UsageError('parseChallenges() takes a string or an iterable of strings', 'ERR_INVALID_ARGUMENT');
  }
  const out: Challenge[] = [];
  for (const field of value) {
    if (typeof field !== 'string') {
      throw new UsageError('parseChallenges() takes a string or an iterable of strings', 'ERR_INVALID_ARGUMENT');
    }
    for (const challenge of parseField(field)) out.push(challenge);
  }
  return out;
}

/** The challenges of every `WWW-Authenticate` field (or `Proxy-Authenticate` when `proxy`) of `headers`. */
export function challengesOf(headers: Headers, proxy = false): Challenge[] {
  return parseChallenges(headers.getAll(proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate'));
}

const HTAB = 0x09;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;

function parseField(s: string): Challenge[] {
  const n = s.length;
  const out: Challenge[] = [];
  const fail = (offset: number, expected: string): never => {
    throw new ParseError('ERR_INVALID_HEADER', expected, offset, excerpt(s, offset));
  };

  const isWs = (i: number): boolean => i < n && isOws(s.charCodeAt(i));
  const skipWs = (i: number): number => skipOws(s, i, n);
  const tokenEnd = (i: number): number => {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c > 0xff || TOKEN_CHAR[c] === 0) break;
      i++;
    }
    return i;
  };
  /** After an element: OWS, then a comma or the end. */
  const endOfElement = (i: number): number => {
    const j = skipWs(i);
    if (j < n && s.charCodeAt(j) !== COMMA) fail(j, "',' or the end of the field");
    return j;
  };

  const quotedString = (start: number): [string, number] => {
    // s[start] is the opening DQUOTE.
    let value = '';
    let run = start + 1;
    let i = run;
    for (;;) {
      if (i >= n) return fail(n, 'the closing \'"\' of the quoted-string');
      const c = s.charCodeAt(i);
      if (c === DQUOTE) return [value + s.slice(run, i), i + 1];
      if (c === BACKSLASH) {
        if (i + 1 >= n) return fail(n, "a character after '\\' in the quoted-string");
        const d = s.charCodeAt(i + 1);
        if (d !== HTAB && (d < 0x20 || d === 0x7f)) fail(i + 1, 'HTAB, SP, VCHAR or obs-text after \'\\\'');
        value += s.slice(run, i) + s[i + 1];
        i += 2;
        run = i;
        continue;
      }
      // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text; chars above 0xFF are let through.
      if (c !== HTAB && (c < 0x20 || c === 0x7f)) fail(i, 'qdtext or the closing \'"\' of the quoted-string');
      i++;
    }
  };

  /** auth-param at `i`, added to `challenge`; returns the index after the value. */
  const authParam = (challenge: Challenge, i: number): number => {
    const nameEnd = tokenEnd(i);
    if (nameEnd === i) fail(i, 'an auth-param name (a token)');
    let j = skipWs(nameEnd);
    if (j >= n || s.charCodeAt(j) !== EQUALS) fail(j, "'=' after the auth-param name");
    j = skipWs(j + 1);
    let value: string;
    if (j < n && s.charCodeAt(j) === DQUOTE) {
      [value, j] = quotedString(j);
    } else {
      const valueEnd = tokenEnd(j);
      if (valueEnd === j) fail(j, 'an auth-param value (a token or a quoted-string)');
      value = s.slice(j, valueEnd);
      j = valueEnd;
    }
    const name = s.slice(i, nameEnd).toLowerCase();
    if (Object.prototype.hasOwnProperty.call(challenge.params, name)) {
      fail(i, 'an auth-param name not already used in this challenge (RFC 9110 §11.2)');
    }
    // defineProperty, so that a parameter named "__proto__" is just a property.
    Object.defineProperty(challenge.params, name, { value, enumerable: true, writable: true, configurable: true });
    return j;
  };

  let current: Challenge | undefined;
  let i = 0;
  for (;;) {
    // Empty list elements and the separators around them.
    while (i < n && (isWs(i) || s.charCodeAt(i) === COMMA)) i++;
    if (i >= n) break;

    // `token BWS "="` continues the current challenge; anything else starts a new one.
    if (current !== undefined) {
      const nameEnd = tokenEnd(i);
      if (nameEnd > i) {
        const j = skipWs(nameEnd);
        if (j < n && s.charCodeAt(j) === EQUALS) {
          if (current.token68 !== undefined) fail(i, 'a new challenge (a token68 cannot be followed by auth-params)');
          i = endOfElement(authParam(current, i));
          continue;
        }
      }
    }

    const schemeEnd = tokenEnd(i);
    if (schemeEnd === i) fail(i, 'an auth-scheme (a token)');
    const challenge: Challenge = { scheme: s.slice(i, schemeEnd), params: {} };
    out.push(challenge);
    current = challenge;
    i = schemeEnd;
    if (i >= n || s.charCodeAt(i) === COMMA) continue;
    if (!isWs(i)) fail(i, "SP, ',' or the end of the field after the auth-scheme");
    i = skipWs(i);
    if (i >= n || s.charCodeAt(i) === COMMA) continue;

    // token68: its characters, then '='s, then OWS and a comma or the end. Otherwise an auth-param.
    const t68End = token68End(s, i);
    if (t68End > i) {
      const after = skipWs(t68End);
      if (after >= n || s.charCodeAt(after) === COMMA) {
        challenge.token68 = s.slice(i, t68End);
        i = after;
        continue;
      }
    }
    i = endOfElement(authParam(challenge, i));
  }
  return out;
}
