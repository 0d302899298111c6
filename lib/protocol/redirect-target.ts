import { fromByteString } from '../message/bytes';
import type { HttpResponse } from '../message/response';
import { StatusCode } from '../message/status';

/** Where a redirect points; the session decides whether to follow it. */
export interface Redirect {
  /** The `Location` resolved against the request URL. */
  url: URL;
  /** Whether `url` has the request URL's origin (scheme, host and port); credentials are not sent to another. */
  sameOrigin: boolean;
}

/** Where a 301/302/303/307/308 points, resolved against `base` (the request URL); undefined without a valid Location. */
export function redirectTarget(response: HttpResponse, base: URL): Redirect | undefined {
  if (!StatusCode.isRedirect(response.status)) return undefined;
  const location = response.headers.get('location');
  if (location === undefined) return undefined;
  try {
    const url = new URL(decodeLocation(location), base);
    return { url, sameOrigin: url.origin === base.origin };
  } catch {
    return undefined;
  }
}

/** A Location is a byte string; servers send UTF-8 in it, which the URL parser then percent-encodes. */
function decodeLocation(location: string): string {
  return /[^\x00-\x7f]/.test(location) ? new TextDecoder().decode(fromByteString(location)) : location;
}
