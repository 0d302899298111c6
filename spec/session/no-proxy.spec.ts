/** NO_PROXY matching and the proxy environment variables, as tables (no I/O: both are pure functions). */
import { matchesNoProxy } from '../../lib/session/no-proxy';
import { proxyFromEnvironment, type ProxyEnvironment } from '../../lib/session/proxy-environment';

describe('matchesNoProxy', () => {
  test.each([
    // list, URL, matches
    ['*', 'http://anything.test/', true],
    ['a.test, *', 'https://b.test/', true],
    ['', 'http://example.com/', false],
    [' , ,', 'http://example.com/', false],
    // names and domains
    ['example.com', 'http://example.com/', true],
    ['example.com', 'http://www.example.com/', true],
    ['example.com', 'http://a.b.example.com:8080/', true],
    ['example.com', 'http://badexample.com/', false],
    ['example.com', 'http://example.com.evil.test/', false],
    ['.example.com', 'http://example.com/', true],
    ['.example.com', 'http://www.example.com/', true],
    ['*.example.com', 'http://www.example.com/', true],
    ['EXAMPLE.com', 'http://Www.Example.COM/', true],
    ['example.com.', 'http://www.example.com/', true],
    ['example.com', 'http://example.com./', true],
    ['other.test,  example.com ', 'http://example.com/', true],
    ['com', 'http://example.com/', true],
    ['localhost', 'http://localhost:3000/', true],
    ['localhost', 'http://127.0.0.1/', false],
    // ports
    ['example.com:8080', 'http://example.com:8080/', true],
    ['example.com:8080', 'http://example.com/', false],
    ['example.com:80', 'http://example.com/', true],
    ['example.com:443', 'https://www.example.com/', true],
    ['example.com:443', 'http://example.com/', false],
    ['example.com:x', 'http://example.com/', false],
    // IPv4 literals and ranges
    ['127.0.0.1', 'http://127.0.0.1:8080/', true],
    ['127.0.0.1', 'http://127.0.0.2/', false],
    ['0.0.1', 'http://10.0.0.1/', false],
    ['127.1', 'http://127.0.0.1/', true],
    ['127.0.0.1:8080', 'http://127.0.0.1:8080/', true],
    ['127.0.0.1:8080', 'http://127.0.0.1:8081/', false],
    ['10.0.0.0/8', 'http://10.20.30.40/', true],
    ['10.0.0.0/8', 'http://11.0.0.1/', false],
    ['192.168.1.0/24', 'http://192.168.1.77/', true],
    ['0.0.0.0/0', 'http://8.8.8.8/', true],
    ['10.0.0.0/8', 'http://ten.test/', false],
    ['10.0.0.0/33', 'http://10.0.0.1/', false],
    // IPv6 literals
    ['::1', 'http://[::1]:3000/', true],
    ['[::1]', 'http://[::1]/', true],
    ['[::1]:3000', 'http://[::1]:3000/', true],
    ['[::1]:3000', 'http://[::1]:3001/', false],
    ['0:0:0:0:0:0:0:1', 'http://[::1]/', true],
    ['::1', 'http://[::2]/', false],
    // loopback is not excluded unless listed
    ['example.com', 'http://127.0.0.1/', false],
    ['example.com', 'http://[::1]/', false],
  ])('%j for %s: %s', (list, url, expected) => {
    expect(matchesNoProxy(list, new URL(url))).toBe(expected);
  });
});

describe('proxyFromEnvironment', () => {
  test.each<[ProxyEnvironment, string, string | undefined]>([
    [{}, 'http://a.test/', undefined],
    [{ http_proxy: 'http://lower:1' }, 'http://a.test/', 'http://lower:1'],
    [{ HTTP_PROXY: 'http://upper:1' }, 'http://a.test/', 'http://upper:1'],
    [{ http_proxy: 'http://lower:1', HTTP_PROXY: 'http://upper:1' }, 'http://a.test/', 'http://lower:1'],
    [{ http_proxy: '', HTTP_PROXY: 'http://upper:1' }, 'http://a.test/', 'http://upper:1'],
    // httpoxy: in a CGI program, HTTP_PROXY may come from a request's Proxy: header
    [{ HTTP_PROXY: 'http://upper:1', REQUEST_METHOD: 'GET' }, 'http://a.test/', undefined],
    [{ http_proxy: 'http://lower:1', REQUEST_METHOD: 'GET' }, 'http://a.test/', 'http://lower:1'],
    // each scheme its own variable
    [{ http_proxy: 'http://plain:1' }, 'https://a.test/', undefined],
    [{ HTTPS_PROXY: 'http://tls:1' }, 'https://a.test/', 'http://tls:1'],
    [{ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1' }, 'https://a.test/', 'http://lower:1'],
    [{ HTTPS_PROXY: 'http://tls:1', REQUEST_METHOD: 'GET' }, 'https://a.test/', 'http://tls:1'],
    [{ https_proxy: 'http://tls:1' }, 'http://a.test/', undefined],
    // NO_PROXY, either case (lower first)
    [{ http_proxy: 'http://p:1', NO_PROXY: 'a.test' }, 'http://www.a.test/', undefined],
    [{ http_proxy: 'http://p:1', no_proxy: 'b.test', NO_PROXY: 'a.test' }, 'http://a.test/', 'http://p:1'],
    [{ https_proxy: 'http://p:1', no_proxy: '*' }, 'https://a.test/', undefined],
    // other schemes never
    [{ http_proxy: 'http://p:1', https_proxy: 'http://p:1' }, 'mem://a/', undefined],
  ])('%j for %s → %s', (env, url, expected) => {
    expect(proxyFromEnvironment(env, new URL(url))).toBe(expected);
  });
});
