import { UsageError } from '../message/errors';
import { authorization, takeUrlCredentials } from './auth';

/**
 * Which proxy a request URL goes through: a proxy URL (`http://user:pass@host:port`, or `host:port`), or
 * undefined to connect directly. Called for each connection's `http:` and `https:` URLs only.
 */
export type ProxyResolver = (url: URL) => string | URL | undefined;

/** `SessionOptions.proxy`: one proxy for every http: and https: URL, a resolver, or `false` for none. */
export type ProxyOption = string | URL | ProxyResolver | false;

/** A proxy as the session uses it. */
export interface Proxy {
  /** `http://host:port/`, credentials taken out. */
  url: URL;
  /** The `Proxy-Authorization` value (Basic, from the URL's credentials), if it had any. */
  authorization: string | undefined;
}

/** What a session uses when it has no `proxy` option; the `io-http` entry sets it to read the environment. */
let defaultResolver: ProxyResolver | undefined;

/** Sets (or, with undefined, removes) the proxy resolver of sessions without a `proxy` option. */
export function setDefaultProxy(resolver: ProxyResolver | undefined): void {
  defaultResolver = resolver;
}

/**
 * Parses a proxy URL. A value without a scheme (`proxy.local:3128`, as environment variables often have) is
 * http:. Only http: proxies are supported; anything else is UsageError 'ERR_INVALID_OPTION'. `source` names
 * where the value came from, for the message (the credentials are never shown).
 */
export function parseProxy(value: string | URL, source = 'The proxy option'): Proxy {
  let url: URL;
  try {
    url = new URL(typeof value === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? `http://${value}` : value);
  } catch {
    throw new UsageError(`${source} is not a valid proxy URL`, 'ERR_INVALID_OPTION');
  }
  if (url.protocol !== 'http:' || url.hostname === '') {
    throw new UsageError(`${source} must be an http: proxy URL (http://host:port), got scheme '${url.protocol}'`, 'ERR_INVALID_OPTION');
  }
  const credentials = takeUrlCredentials(url);
  return { url: new URL(`http://${url.host}/`), authorization: credentials ? authorization(credentials) : undefined };
}

/**
 * How a session finds the proxy of a URL, from its `proxy` option: a fixed proxy is parsed (and checked) once,
 * here; a resolver (the option's, else the default one) is asked per connection. Only http: and https: URLs
 * go through a proxy.
 */
export function proxyFinder(option: ProxyOption | undefined): (url: URL) => Proxy | undefined {
  if (option === false) return () => undefined;
  if (typeof option === 'string' || option instanceof URL) {
    const proxy = parseProxy(option);
    return (url) => (proxied(url) ? proxy : undefined);
  }
  const resolve = (url: URL, resolver: ProxyResolver | undefined): Proxy | undefined => {
    const found = proxied(url) ? resolver?.(url) : undefined;
    return found === undefined || found === '' ? undefined : parseProxy(found, `The proxy chosen for ${url.protocol} URLs`);
  };
  if (option) return (url) => resolve(url, option);
  // The default resolver (the environment's, which reads process.env: microseconds a request) depends only on
  // the origin: it is asked once per origin, and its answers kept for the session's life (256 origins at most).
  const known = new Map<string, Proxy | undefined>();
  return (url) => {
    const key = `${url.protocol}//${url.host}`;
    if (known.has(key)) return known.get(key);
    const proxy = resolve(url, defaultResolver);
    if (known.size >= 256) known.clear();
    known.set(key, proxy);
    return proxy;
  };
}

function proxied(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}
