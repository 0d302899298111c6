import { matchesNoProxy } from './no-proxy';

/** Environment variables by name, as `process.env` holds them. */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * The proxy the environment gives for `url`, as curl reads it: `http_proxy` for http: URLs, `https_proxy` for
 * https: ones, unless `no_proxy` matches the URL (see no-proxy.ts); undefined for none. Each name is read lower
 * case first, then upper case (an empty value counts as unset). `HTTP_PROXY` (upper case) is ignored when
 * `REQUEST_METHOD` is set: in a CGI program, a request's `Proxy:` header arrives as HTTP_PROXY ("httpoxy").
 */
export function proxyFromEnvironment(env: ProxyEnvironment, url: URL): string | undefined {
  const https = url.protocol === 'https:';
  if (!https && url.protocol !== 'http:') return undefined;
  const proxy = https ? variable(env, 'https_proxy', true) : variable(env, 'http_proxy', env.REQUEST_METHOD === undefined);
  if (proxy === undefined) return undefined;
  const noProxy = variable(env, 'no_proxy', true);
  return noProxy !== undefined && matchesNoProxy(noProxy, url) ? undefined : proxy;
}

function variable(env: ProxyEnvironment, name: string, upperCase: boolean): string | undefined {
  const lower = env[name];
  if (lower !== undefined && lower !== '') return lower;
  const upper = upperCase ? env[name.toUpperCase()] : undefined;
  return upper !== undefined && upper !== '' ? upper : undefined;
}
