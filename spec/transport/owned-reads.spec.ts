import { Session } from '../../lib/session/session';
import { withOwnedReads } from '../../lib/transport/owned-reads';
import { InMemoryTransport } from '../../adapters/in-memory';
import { ReusedBufferTransport } from '../support/reused-buffer-transport';
import { latin1 } from '../support/bytes';
import { closeServers, httpServer, rawServer } from '../support/servers';

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
