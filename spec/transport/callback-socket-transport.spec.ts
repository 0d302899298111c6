import * as net from 'node:net';
import { once } from 'node:events';
import { TransportError } from '../../lib/message/errors';
import { Session } from '../../lib/session/session';
import { CallbackSocketTransport } from '../../lib/transport/callback-socket-transport';
import { utf8 } from '../support/bytes';
import { rejection } from '../support/failures';
import { callbackSocket, destroySockets } from '../support/runtime-sockets';
import { closeServer, closeServers, echoRequest, floodingServer, httpServer, listen, rawServer } from '../support/servers';
import { untilSteady } from '../support/time';
import { closeTransports, readUntil, track } from '../support/transports';

afterEach(async () => {
  await closeTransports();
  destroySockets();
  await closeServers();
});

/** Connects as `Bun.connect` does, the socket reading into one reused buffer of `bufferSize` bytes. */
const factoryWith = (bufferSize?: number) => CallbackSocketTransport.factory((transport, url) => callbackSocket(transport, url, bufferSize));
const factory = factoryWith();

async function open(url: string, bufferSize?: number): Promise<CallbackSocketTransport> {
  return track((await factoryWith(bufferSize).open(new URL(url), {})) as CallbackSocketTransport);
}

describe('CallbackSocketTransport over a real callback-style socket', () => {
  test('a Session: GET, then POST on the same connection', async () => {
    const server = await httpServer(echoRequest);
    await using session = new Session(server.origin, { transport: factory });
    expect((await session.send({ path: '/first' })).json()).toMatchObject({ method: 'GET', url: '/first' });
    const post = await session.send({ method: 'POST', path: '/second', body: 'y'.repeat(200_000) });
    expect(post.json()).toMatchObject({ method: 'POST', url: '/second', body: 'y'.repeat(200_000) });
    expect(server.sockets).toHaveLength(1);
  });

  test('the bytes it queued survive the socket filling its one buffer again', async () => {
    const text = Array.from({ length: 50 }, (_, i) => `chunk ${i}|`).join('');
    const server = await rawServer((socket) => socket.end(text));
    const transport = track(new CallbackSocketTransport());
    const socket = await callbackSocket(transport, new URL(server.url), 8);
    expect(transport.ownedReads).toBe(true);
    // Everything arrives, eight bytes at a time in the one buffer, and is queued before the first read.
    await once(socket, 'end');
    expect(await readUntil(transport, text.length + 1)).toBe(text);
    expect(await transport.read()).toBeNull();
  });

  test('close() ends a pending read with null, then writes reject with ERR_TRANSPORT_CLOSED', async () => {
    const server = await rawServer(() => {});
    const transport = await open(server.url);
    const pending = transport.read();
    await transport.close();
    await transport.close();
    expect(await pending).toBeNull();
    expect((await rejection(transport.write(utf8('late')))).code).toBe('ERR_TRANSPORT_CLOSED');
    await once(server.sockets[0]!, 'close');
  });

  test('a reset fails the read with ERR_CONNECTION_RESET, and keeps failing; a refused connect is ERR_CONNECTION_REFUSED', async () => {
    const server = await rawServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const transport = await open(server.url);
    await transport.write(utf8('reset me'));
    const error = await rejection(transport.read());
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('ERR_CONNECTION_RESET');
    expect(error.message).toContain(`127.0.0.1:${server.port}`);
    expect(await rejection(transport.read())).toBe(error);

    const gone = await listen(net.createServer());
    await closeServer(gone);
    const refused = await rejection(factory.open(new URL(gone.url), {}));
    expect(refused.code).toBe('ERR_CONNECTION_REFUSED');
  });

  test('read backpressure: past the mark the socket is paused, the peer stalls; then everything arrives', async () => {
    const total = 32 * 1024 * 1024;
    const { server, written } = await floodingServer(total);
    const transport = await open(server.url);
    expect(await untilSteady(written)).toBeLessThan(total);
    let received = 0;
    for (let chunk = await transport.read(); chunk; chunk = await transport.read()) received += chunk.length;
    expect(received).toBe(total);
  });

  test('write backpressure: the rest of a write waits for drain, then all arrive in order', async () => {
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
      for (let i = 0; written < total; i++) {
        await transport.write(new Uint8Array(64 * 1024).fill(i % 256));
        written += 64 * 1024;
      }
    })();
    expect(await untilSteady(() => written)).toBeLessThan(total);
    let received = 0;
    let inOrder = true;
    peer.on('data', (chunk: Buffer) => {
      for (let i = 0; i < chunk.length; i += 4096) inOrder &&= chunk[i] === Math.floor((received + i) / 65536) % 256;
      received += chunk.length;
    });
    peer.resume();
    await writing;
    await untilSteady(() => received, 50);
    expect(received).toBe(total);
    expect(inOrder).toBe(true);
  });
});
