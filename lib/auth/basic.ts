/**
 * Basic authentication (RFC 7617): the user-id and password joined with `:`, encoded as UTF-8, then base64.
 * The password is never kept in clear in the object, and never shown by toString, toJSON or util.inspect.
 */
import { UsageError } from '../message/errors';
import type { Headers } from '../message/headers';
import { utf8 } from '../message/bytes';
import { base64Encode } from './base64';
import { INSPECT_CUSTOM, REDACTED, quote } from './redact';

/**
 * The `Authorization` field value for Basic auth: `Basic <base64(utf8(user ":" pass))>`.
 * Refuses (UsageError 'ERR_INVALID_CREDENTIALS') a `:` in the user-id, control characters in either part,
 * non-string arguments and lone surrogates (which UTF-8 cannot encode). Error messages never show the password.
 */
export function basicCredentials(user: string, pass: string): string {
  checkPart(user, 'user-id');
  checkPart(pass, 'password');
  if (user.includes(':')) {
    throw new UsageError(`A Basic auth user-id must not contain ':' (RFC 7617 §2), found at index ${user.indexOf(':')}`, 'ERR_INVALID_CREDENTIALS');
  }
  return `Basic ${base64Encode(utf8(`${user}:${pass}`))}`;
}

/** Basic credentials, validated once; `authorization()` gives the field value. */
export class BasicAuth {
  /** The auth scheme, always `'Basic'`. */
  readonly scheme = 'Basic';
  /** The user-id, as given; the password is kept only inside the encoded field value. */
  readonly user: string;
  readonly #value: string;

  /** Validates and encodes the credentials once; throws `UsageError` `'ERR_INVALID_CREDENTIALS'` as {@link basicCredentials} does. */
  constructor(user: string, pass: string) {
    this.#value = basicCredentials(user, pass);
    this.user = user;
  }

  /** The `Authorization` (or `Proxy-Authorization`) field value, `Basic …`. */
  authorization(): string {
    return this.#value;
  }

  /** Sets `Authorization` (or `Proxy-Authorization` when `proxy`) on `headers`, replacing any such field. */
  apply(headers: Headers, proxy = false): Headers {
    return headers.set(proxy ? 'Proxy-Authorization' : 'Authorization', this.#value);
  }

  /** A readable description with the secret replaced by a placeholder; safe to log. */
  toString(): string {
    return `BasicAuth { user: ${quote(this.user)}, pass: '${REDACTED}' }`;
  }

  /** A JSON-safe view for logs, with the password redacted. */
  toJSON(): {
    /** Always `'Basic'`. */
    scheme: 'Basic';
    /** The user-id, as given. */
    user: string;
    /** A placeholder, never the password. */
    pass: string;
  } {
    return { scheme: 'Basic', user: this.user, pass: REDACTED };
  }

  /** What Node's `util.inspect` and `console.log` show: the same redacted text as `toString()`. */
  [INSPECT_CUSTOM](): string {
    return this.toString();
  }
}

/** A string with no CTL (%x00-1F / %x7F, RFC 7617 §2) and no lone surrogate. Names the part, never the value. */
function checkPart(value: unknown, part: 'user-id' | 'password'): asserts value is string {
  if (typeof value !== 'string') {
    throw new UsageError(`The Basic auth ${part} must be a string, got ${value === null ? 'null' : typeof value}`, 'ERR_INVALID_CREDENTIALS');
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      throw new UsageError(`The Basic auth ${part} must not contain control characters (RFC 7617 §2), found one at index ${i}`, 'ERR_INVALID_CREDENTIALS');
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const paired = c <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (!paired) {
        throw new UsageError(`The Basic auth ${part} has a lone UTF-16 surrogate at index ${i}: it cannot be encoded as UTF-8`, 'ERR_INVALID_CREDENTIALS');
      }
      i++;
    }
  }
}
