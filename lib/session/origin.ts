/**
 * `scheme://host[:port]` of a URL: what decides whether a connection can be reused and whether credentials
 * may follow a redirect. Unlike `URL.origin`, it is not 'null' for schemes the URL standard does not know
 * (such as an in-memory transport's).
 */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}
