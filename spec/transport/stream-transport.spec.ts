import * as net from 'node:net';
import { once } from 'node:events';
import { AbortError, TimeoutError, TransportError } from '../../lib/message/errors';
import { Session } from '../../lib/session/session';
import { ManualClock } from '../../lib/transport/clock';
import { StreamTransport } from '../../lib/transport/stream-transport';
import { utf8 } from '../support/bytes';
import { rejection } from '../support/failures';
import { destroySockets, webStreams } from '../support/runtime-sockets';
import { closeServer, closeServers, echoRequest, floodingServer, httpServer, listen, rawServer } from '../support/servers';
import { untilSteady } from '../support/time';
import { closeTransports, readUntil, track } from '../support/transports';

afterEach(async () => {
  await closeTransports();
  destroySockets();
  await closeServers();
});

const factory = StreamTransport.factory(webStreams);

async function open(url: string): Promise<StreamTransport> {
  return track((await factory.open(new URL(url), {})) as StreamTransport);
}

describe('StreamTransport over web streams of a real socket', () => {
  test('a Session: GET, then POST on the same connection', async () => {
    const server = await httpServer(echoRequest);
    await using session = new Session(server.origin, { transport: factory });
    const get = await session.send({ path: '/first' });
    expect(get.status).toBe(200);
    expect(get.json()).toMatchObject({ method: 'GET', url: '/first' });
    const post = await session.send({ method: 'POST', path: '/second', body: 'x'.repeat(100_000) });
    expect(post.json()).toMatchObject({ method: 'POST', url: '/second', body: 'x'.repeat(100_000) });
    expect(server.sockets).toHaveLength(1);
  });

  test('reads until the peer ends, then null; reports what it was told; close is idempotent', async () => {
    const server = await rawServer((socket) => socket.end('hello, stream'));
    const transport = await open(server.url);
    expect([transport.ownedReads, transport.secure, transport.remoteAddress, transport.remotePort]).toEqual([true, false, '127.0.0.1', server.port]);
    expect(await readUntil(transport, 100)).toBe('hello, stream');
    expect(await transport.read()).toBeNull();
    expect(await transport.read()).toBeNull();
    await transport.close();
    await transport.close();
  });

  test('close() ends a pending read with null; later writes reject with ERR_TRANSPORT_CLOSED', async () => {
    const server = await rawServer(() => {});
    const transport = await open(server.url);
    const pending = transport.read();
    await transport.close();
    expect(await pending).toBeNull();
    const error = await rejection(transport.write(utf8('late')));
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('ERR_TRANSPORT_CLOSED');
    await once(server.sockets[0]!, 'close');
  });

  test('a reset by the peer fails the read with ERR_CONNECTION_RESET, the runtime error as cause', async () => {
    const server = await rawServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const transport = await open(server.url);
    await transport.write(utf8('reset me'));
    const error = await rejection(transport.read());
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('ERR_CONNECTION_RESET');
    expect(error.message).toContain(`127.0.0.1:${server.port}`);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
  });

  test('the factory: a refused connect, an abort, a connect timeout on the clock', async () => {
    const gone = await listen(net.createServer());
    await closeServer(gone);
    const refused = await rejection(factory.open(new URL(gone.url), {}));
    expect(refused).toBeInstanceOf(TransportError);
    expect(refused.code).toBe('ERR_CONNECTION_REFUSED');
    expect(refused.message).toContain(`Could not connect to 127.0.0.1:${gone.port}`);

    const server = await rawServer(() => {});
    const aborted = await rejection(factory.open(new URL(server.url), { signal: AbortSignal.abort() }));
    expect(aborted).toBeInstanceOf(AbortError);

    const clock = new ManualClock();
    const opening = factory.open(new URL(server.url), { clock, timeouts: { connect: 5000 } });
    clock.advance(5000);
    const timedOut = await rejection(opening);
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect(timedOut.phase).toBe('connect');
  });

  test('read backpressure: an unread peer stalls, then everything arrives', async () => {
    const total = 32 * 1024 * 1024;
    const { server, written } = await floodingServer(total);
    const transport = await open(server.url);
    const stalled = await untilSteady(written);
    expect(stalled).toBeLessThan(total);
    let received = 0;
    for (let chunk = await transport.read(); chunk; chunk = await transport.read()) received += chunk.length;
    expect(received).toBe(total);
  });

  test('write backpressure: writes wait while the peer does not read, then all arrive in order', async () => {
    let received = 0;
    let peer!: net.Socket;
    const server = await listen(
      net.createServer((socket) => {
        peer = socket;
        socket.pause();
      }),
    );
    const transport = await open(server.url);
    const total = 32 * 1024 * 1024;
    let written = 0;
    const writing = (async () => {
      const chunk = new Uint8Array(64 * 1024).fill(0x63);
      while (written < total) {
        await transport.write(chunk);
        written += chunk.length;
      }
    })();
    const stalled = await untilSteady(() => written);
    expect(stalled).toBeLessThan(total);
    peer.on('data', (chunk: Buffer) => (received += chunk.length));
    peer.resume();
    await writing;
    await untilSteady(() => received, 50);
    expect(received).toBe(total);
  });
});
