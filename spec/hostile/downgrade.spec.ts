/**
 * A secure request is never continued in the clear by a redirect: URL schemes and transport names are kept
 * apart (a `Location` can only name a scheme), a hop after TLS must again be on a secure transport (checked on
 * the opened transport, not by the scheme's name), and non-HTTP `Location`s are refused as RedirectErrors.
 */
import * as https from 'node:https';
import { NodeTls } from '../../adapters/node-tls';
import { RedirectError } from '../../lib/message/errors';
import { defaultRegistry, TransportRegistry } from '../../lib/transport/registry';
import { Session } from '../../lib/session/session';
import { localhostCert } from '../support/certs';
import { rejection } from '../support/failures';
import { closeServers, listen, rawServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick } from '../support/time';
import '../../lib/index'; // the Node entry: http, https and the transport names node-tcp, node-tls, forge-tls

afterEach(closeServers);

const cert = localhostCert();

/** An https server that redirects every request to `location()`. */
async function redirectingHttps(location: () => string) {
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => {
    res.statusCode = 302;
    res.setHeader('location', location());
    res.end();
  });
  return listen(server, { scheme: 'https' });
}

/** A plain server that records what reaches it, and answers. */
async function plainServer() {
  const seen: string[] = [];
  const server = await rawServer((socket) =>
    socket.on('data', (chunk: Buffer) => {
      seen.push(chunk.toString('latin1'));
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nplaintext');
    }),
  );
  return { server, seen };
}

describe('https never continues in plaintext', () => {
  test('a Location naming a transport (node-tcp://) finds no transport: RedirectError, nothing sent', async () => {
    expect(defaultRegistry.getNamed('node-tcp')).toBeDefined();
    const plain = await plainServer();
    const secure = await redirectingHttps(() => `node-tcp://127.0.0.1:${plain.server.port}/secret`);
    await using session = new Session(secure.origin, { tls: { ca: cert.caPem } });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.code).toBe('ERR_REDIRECT_SCHEME');
    await tick(20);
    expect(plain.server.sockets).toHaveLength(0);
    expect(plain.seen).toEqual([]);
  });

  test('a scheme whose transport is not secure is refused after TLS, checked on the transport', async () => {
    const plain = await plainServer();
    const secure = await redirectingHttps(() => `plain://127.0.0.1:${plain.server.port}/secret`);
    const registry = new TransportRegistry();
    registry.register('https', new NodeTls());
    registry.register('plain', tcp); // a scheme that is not 'http', over a transport that is not secure
    await using session = new Session(secure.origin, { registry, tls: { ca: cert.caPem } });
    const error = await rejection(session.send());
    expect(error).toBeInstanceOf(RedirectError);
    expect(error.code).toBe('ERR_REDIRECT_INSECURE');
    await tick(20);
    expect(plain.seen).toEqual([]); // a connection may have opened; no byte of the request was sent
    expect(plain.server.sockets.every((socket) => socket.destroyed || socket.readableEnded)).toBe(true);

    await using allowing = new Session(secure.origin, { registry, tls: { ca: cert.caPem }, allowInsecureRedirect: true });
    expect((await allowing.send()).text()).toBe('plaintext');
  });

  test.each(['file:///etc/passwd', 'data:text/plain,hello', 'javascript:alert(1)', 'ftp://127.0.0.1/x', 'about:blank'])(
    'Location %s: RedirectError ERR_REDIRECT_SCHEME',
    async (location) => {
      const secure = await redirectingHttps(() => location);
      await using session = new Session(secure.origin, { tls: { ca: cert.caPem } });
      const error = await rejection(session.send());
      expect(error).toBeInstanceOf(RedirectError);
      expect(error.code).toBe('ERR_REDIRECT_SCHEME');
    },
  );

  test('a request path naming a transport is refused too (ERR_NO_TRANSPORT), not sent', async () => {
    const plain = await plainServer();
    await using session = new Session(plain.server.origin);
    const error = await rejection(session.send({ path: `node-tcp://127.0.0.1:${plain.server.port}/` }));
    expect(error.code).toBe('ERR_NO_TRANSPORT');
    expect(plain.server.sockets).toHaveLength(0);
  });
});
