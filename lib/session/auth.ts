import { basicCredentials } from '../auth/basic';
import { bearerCredentials } from '../auth/bearer';

/** Credentials a session sends as `Authorization`: Basic (RFC 7617) or Bearer (RFC 6750). */
export type AuthOptions =
  | {
      /** Basic credentials; a `:` in `user` or control characters throw UsageError `'ERR_INVALID_CREDENTIALS'`. */
      basic: {
        /** The user-id. */
        user: string;
        /** The password. */
        pass: string;
      };
    }
  | {
      /** A Bearer token (RFC 6750 b64token syntax), sent as `Authorization: Bearer <token>`. */
      bearer: string;
    };

/** The `Authorization` value of `auth`; invalid credentials throw UsageError 'ERR_INVALID_CREDENTIALS'. */
export function authorization(auth: AuthOptions): string {
  return 'bearer' in auth ? bearerCredentials(auth.bearer) : basicCredentials(auth.basic.user, auth.basic.pass);
}

/**
 * Takes the `user:pass@` out of a URL (it must never reach a request line or a Host field) and returns it as
 * Basic credentials, percent-decoded; undefined when the URL has none.
 */
export function takeUrlCredentials(url: URL): AuthOptions | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const auth = { basic: { user: percentDecoded(url.username), pass: percentDecoded(url.password) } };
  url.username = '';
  url.password = '';
  return auth;
}

/** The URL parser leaves a stray `%` as it is: such a part is taken literally rather than refused. */
function percentDecoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
