/**
 * Run before every spec file (jest `setupFiles`): the suite talks to servers on 127.0.0.1, and the `io-http`
 * entry honours the proxy variables as curl does (loopback included), so a proxy set in the environment of
 * whoever runs the tests must not catch those requests. Specs that test the variables set them themselves.
 */
for (const name of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY']) delete process.env[name];
export {};
