/**
 * Bearer tokens (RFC 6750 §2.1): `Authorization: Bearer <b64token>`. The token is never shown by toString,
 * toJSON, util.inspect or an error message.
 */
import { UsageError } from '../message/errors';
import type { Headers } from '../message/headers';
import { token68End } from '../message/syntax';
import { INSPECT_CUSTOM, REDACTED } from './redact';

/**
 * The `Authorization` field value `Bearer <token>`. The token must match
 * `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`; anything else is refused with
 * UsageError 'ERR_INVALID_CREDENTIALS' (whose message does not contain the token).
 */
export function bearerCredentials(token: string): string {
  checkToken(token);
  return `Bearer ${token}`;
}

/** A Bearer token, validated once; `authorization()` gives the field value. */
export class BearerAuth {
  /** The auth scheme, always `'Bearer'`. */
  readonly scheme = 'Bearer';
  readonly #value: string;

  /** Validates the token once; throws `UsageError` `'ERR_INVALID_CREDENTIALS'` as {@link bearerCredentials} does. */
  constructor(token: string) {
    this.#value = bearerCredentials(token);
  }

  /** The `Authorization` (or `Proxy-Authorization`) field value, `Bearer …`. */
  authorization(): string {
    return this.#value;
  }

  /** Sets `Authorization` (or `Proxy-Authorization` when `proxy`) on `headers`, replacing any such field. */
  apply(headers: Headers, proxy = false): Headers {
    return headers.set(proxy ? 'Proxy-Authorization' : 'Authorization', this.#value);
  }

  /** A readable description with the secret replaced by a placeholder; safe to log. */
  toString(): string {
    return `BearerAuth { token: '${REDACTED}' }`;
  }

  /** A JSON-safe view for logs, with the token redacted. */
  toJSON(): {
    /** Always `'Bearer'`. */
    scheme: 'Bearer';
    /** A placeholder, never the token. */
    token: string;
  } {
    return { scheme: 'Bearer', token: REDACTED };
  }

  /** What Node's `util.inspect` and `console.log` show: the same redacted text as `toString()`. */
  [INSPECT_CUSTOM](): string {
    return this.toString();
  }
}

/** Linear scan of the b64token syntax; reports the position of the first bad character, never the token. */
function checkToken(token: unknown): asserts token is string {
  if (typeof token !== 'string') {
    throw new UsageError(`A Bearer token must be a string, got ${token === null ? 'null' : typeof token}`, 'ERR_INVALID_CREDENTIALS');
  }
  const end = token68End(token, 0);
  if (end === 0) {
    throw new UsageError(
      token.length === 0 ? 'A Bearer token must not be empty' : 'A Bearer token must start with a b64token character (RFC 6750 §2.1)',
      'ERR_INVALID_CREDENTIALS',
    );
  }
  if (end < token.length) {
    throw new UsageError(
      `A Bearer token must match the b64token syntax of RFC 6750 §2.1; the character at index ${end} is not allowed there`,
      'ERR_INVALID_CREDENTIALS',
    );
  }
}
