import * as https from 'node:https';
import { ForgeTls } from '../../adapters/forge-tls';
import { TlsError } from '../../lib/message/errors';
import { Session } from '../../lib/session/session';
import { TransportRegistry } from '../../lib/transport/registry';
import { withOwnedReads } from '../../lib/transport/owned-reads';
import { InMemoryTransport } from '../../adapters/in-memory';
import { ReusedBufferTransport } from '../support/reused-buffer-transport';
import { latin1 } from '../support/bytes';
import { localhostCert } from '../support/certs';
import { rejection } from '../support/failures';
import { forwardingProxy } from '../support/proxy';
import { closeServers, httpServer, listen, rawServer } from '../support/servers';

afterEach(closeServers);

/** 3000 bytes that differ at every line, so a chunk overwritten by a later one is seen. */
const BODY = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')} of the body.......\n`).join('');

async function bodyServer() {
  return httpServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(BODY));
  });
}

/** The body of a streamed GET, its chunks kept as they came (as a caller collecting them would). */
async function streamedBody(session: Session): Promise<string> {
  const response = await session.stream({ path: '/stream' });
  const kept: Uint8Array[] = [];
  for await (const chunk of response.body) kept.push(chunk);
  return Buffer.concat(kept).toString('latin1');
}

describe('a transport that reads into one reused buffer', () => {
  test('claiming owned reads, it corrupts the chunks a caller kept: the check that the protection matters', async () => {
    const server = await bodyServer();
    await using session = new Session(server.origin, { transport: ReusedBufferTransport.factory({ size: 64, claimOwnedReads: true }) });
    const body = await streamedBody(session);
    expect(body).toHaveLength(BODY.length);
    expect(body).not.toBe(BODY);
  });

  test('not claiming them, the session copies each read: streamed, buffered, and on a reused connection', async () => {
    const server = await bodyServer();
    await using session = new Session(server.origin, { transport: ReusedBufferTransport.factory({ size: 64, claimOwnedReads: false }) });
    expect(await streamedBody(session)).toBe(BODY);
    expect((await session.send({ path: '/buffered' })).text()).toBe(BODY);
    expect((await session.send({ method: 'POST', path: '/post', body: 'x'.repeat(10_000) })).text()).toBe(BODY);
    expect(await streamedBody(session)).toBe(BODY);
    expect(server.sockets).toHaveLength(1);
  });
});

describe('a proxy connection that reads into one reused buffer, under a CONNECT tunnel', () => {
  const cert = localhostCert();

  /** A session to an https origin through a proxy reached with a reused-buffer transport, ForgeTls in the tunnel. */
  async function tunnelled(claimOwnedReads: boolean) {
    const origin = await listen(https.createServer({ key: cert.keyPem, cert: cert.certPem }, (_req, res) => res.end(BODY)), { scheme: 'https' });
    const proxy = await forwardingProxy();
    const registry = new TransportRegistry();
    registry.register('http', ReusedBufferTransport.factory({ size: 64, claimOwnedReads }));
    registry.register('https', new ForgeTls());
    return new Session(origin.origin, { proxy: proxy.url, tls: { ca: cert.caPem }, registry });
  }

  test('claiming owned reads, the TLS records it carries are overwritten: the check that the protection matters', async () => {
    await using session = await tunnelled(true);
    expect(await rejection(session.send())).toBeInstanceOf(TlsError);
  });

  test('not claiming them, the session copies its reads where it opens it, and the body comes through', async () => {
    await using session = await tunnelled(false);
    expect((await session.send()).text()).toBe(BODY);
  });
});

describe('withOwnedReads', () => {
  test('keeps a transport that declares owned reads; copies the reads of one that does not', async () => {
    const [client] = InMemoryTransport.pair();
    expect(withOwnedReads(client)).toBe(client);

    const server = await rawServer((socket) => socket.end('first chunk|second chunk'));
    const reused = await ReusedBufferTransport.factory({ size: 12, claimOwnedReads: false }).open(new URL(server.url), {});
    const copied = withOwnedReads(reused);
    expect(copied).not.toBe(reused);
    expect([copied.ownedReads, copied.secure, copied.remotePort]).toEqual([true, false, server.port]);
    const first = await copied.read();
    const second = await copied.read();
    expect(latin1(first!)).toBe('first chunk|');
    expect(latin1(second!)).toBe('second chunk');
    expect(await copied.read()).toBeNull();
    await copied.close();
  });
});
