/**
 * The CONNECT exchange (lib/session/tunnel.ts) over in-memory transports: the exact request bytes (authority
 * form, default port, IPv6), the bytes that come after the proxy's 2xx (they belong to the tunnel), and
 * refusals. The proxy's answer is delivered whole and byte by byte.
 */
import { InMemoryTransport } from '../../adapters/in-memory';
import { ProxyError } from '../../lib/message/errors';
import { parseProxy } from '../../lib/session/proxy';
import { Deadlines } from '../../lib/session/deadlines';
import { RequestGuard } from '../../lib/session/timeouts';
import { openTunnel } from '../../lib/session/tunnel';
import { USER_AGENT } from '../../lib/session/version';
import { systemClock } from '../../lib/transport/clock';
import { bytesOf, latin1 } from '../support/bytes';
import { rejection } from '../support/failures';

const SPLITS = ['whole', 'bytes'] as const;

/** A client end whose reads are cut as `split`, and the proxy's end, reading each write whole. */
function pair(split: (typeof SPLITS)[number]): [InMemoryTransport, InMemoryTransport] {
  const [client, proxy] = InMemoryTransport.pair({ split });
  return [client, proxy.setReadSplit('whole')];
}

function context(): { guard: RequestGuard; clock: typeof systemClock; protocol: undefined } {
  return { guard: new RequestGuard(new Deadlines(systemClock), {}, [], new Set()), clock: systemClock, protocol: undefined };
}

describe.each(SPLITS)('openTunnel, the proxy answering %s', (split) => {
  test('CONNECT host:443 (the default port written out), Host the same, the proxy credentials; bytes after the 2xx are the tunnel’s', async () => {
    const [client, proxy] = pair(split);
    const opening = openTunnel(client, new URL('https://Example.COM/path?q'), parseProxy('http://u:p@proxy.test:3128'), context());
    expect(latin1(await proxy.read() as Uint8Array)).toBe(
      `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nUser-Agent: ${USER_AGENT}\r\nProxy-Authorization: Basic ${btoa('u:p')}\r\n\r\n`,
    );
    await proxy.write(bytesOf('HTTP/1.1 200 Connection established\r\n\r\nEARLY'));
    const tunnel = await opening;
    let early = '';
    while (early.length < 5) early += latin1((await tunnel.read()) as Uint8Array);
    expect(early).toBe('EARLY');
    await tunnel.write(bytesOf('through'));
    expect(latin1(await proxy.read() as Uint8Array)).toBe('through');
    await tunnel.close();
    expect(await proxy.read()).toBeNull();
  });

  test('an IPv6 origin: CONNECT [::1]:8443, no Proxy-Authorization without credentials', async () => {
    const [client, proxy] = pair(split);
    const opening = openTunnel(client, new URL('https://[::1]:8443/'), parseProxy('proxy.test:3128'), context());
    expect(latin1(await proxy.read() as Uint8Array)).toBe(`CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\nUser-Agent: ${USER_AGENT}\r\n\r\n`);
    await proxy.write(bytesOf('HTTP/1.0 200 OK\r\n\r\n'));
    const tunnel = await opening;
    await tunnel.write(bytesOf('x'));
    expect(latin1(await proxy.read() as Uint8Array)).toBe('x');
  });

  test('a 407 with a body: ProxyError with the challenges; the connection is closed', async () => {
    const [client, proxy] = pair(split);
    const opening = openTunnel(client, new URL('https://example.com/'), parseProxy('http://proxy.test:3128'), context());
    await proxy.read();
    await proxy.write(bytesOf('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nProxy-Authenticate: Negotiate\r\nContent-Length: 5\r\n\r\ndenied'));
    const error = await rejection(opening);
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).toMatchObject({ code: 'ERR_PROXY_AUTH_REQUIRED', status: 407 });
    expect(error.challenges).toEqual([
      { scheme: 'Basic', params: { realm: 'corp' } },
      { scheme: 'Negotiate', params: {} },
    ]);
    expect(error.message).toContain('put them in the proxy URL');
    expect(client.isClosed).toBe(true);
  });

  test('a malformed Proxy-Authenticate does not hide the 407: no challenges', async () => {
    const [client, proxy] = pair(split);
    const opening = openTunnel(client, new URL('https://example.com/'), parseProxy('http://u:p@proxy.test:3128'), context());
    await proxy.read();
    await proxy.write(bytesOf('HTTP/1.1 407 No\r\nProxy-Authenticate: Basic realm="unterminated\r\nContent-Length: 0\r\n\r\n'));
    const error = await rejection(opening);
    expect(error).toMatchObject({ code: 'ERR_PROXY_AUTH_REQUIRED', status: 407, challenges: [] });
    expect(error.message).toContain('the credentials in the proxy URL were refused');
  });

  test('a 502: ProxyError ERR_PROXY_CONNECT with the status; the proxy closing instead is an IncompleteMessageError', async () => {
    const [client, proxy] = pair(split);
    const opening = openTunnel(client, new URL('https://example.com/'), parseProxy('http://proxy.test:3128'), context());
    await proxy.read();
    await proxy.write(bytesOf('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'));
    expect(await rejection(opening)).toMatchObject({ code: 'ERR_PROXY_CONNECT', status: 502 });

    const [client2, proxy2] = pair(split);
    const closing = openTunnel(client2, new URL('https://example.com/'), parseProxy('http://proxy.test:3128'), context());
    await proxy2.read();
    await proxy2.write(bytesOf('HTTP/1.1 200'));
    await proxy2.close();
    expect((await rejection(closing)).name).toBe('IncompleteMessageError');
  });
});
