import { randomFillSync } from 'node:crypto';
import * as net from 'node:net';
import { SocketTransport } from '../../adapters/node-socket';
import { peerName, runtimeErrorCode } from '../../lib/transport/runtime-errors';
import { NodeTcp } from '../../adapters/node-tcp';
import { AbortError, TimeoutError, TransportError } from '../../lib/message/errors';
import { ManualClock } from '../../lib/transport/clock';
import type { Transport } from '../../lib/transport/transport';
import { bytesOf, latin1 } from '../support/bytes';
import { closeServer, closeServers, listen, type LoopbackServer } from '../support/servers';
import { tick } from '../support/time';
import { closeTransports, readUntil, track } from '../support/transports';

/** A loopback TCP server calling `onConnection` for each connection; afterEach closes it and its connections. */
function tcpServer(onConnection: (socket: net.Socket) => void, host = '127.0.0.1'): Promise<LoopbackServer> {
  return listen(net.createServer(onConnection), { host });
}

async function open(url: string, options = {}): Promise<Transport> {
  return track(await new NodeTcp().open(new URL(url), options));
}

afterEach(async () => {
  await closeTransports();
  await closeServers();
});

/** Random bytes: any reordering, loss or duplication shows. */
function pattern(n: number): Uint8Array {
  return randomFillSync(new Uint8Array(n));
}

/** Whether a promise settles within `ms` of real time. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await tick(ms);
  return settled;
}

describe('NodeTcp', () => {
  it('connects to a loopback echo server and exchanges bytes', async () => {
    const srv = await tcpServer((socket) => socket.pipe(socket));
    const transport = await open(srv.url);
    expect(transport.secure).toBe(false);
    expect(transport.remoteAddress).toBe('127.0.0.1');
    expect(transport.remotePort).toBe(srv.port);
    await transport.write(bytesOf('hello, '));
    await transport.write(bytesOf('world'));
    expect(await readUntil(transport, 12)).toBe('hello, world');
  });

  it('copies written bytes, so the caller may reuse its buffer at once', async () => {
    const srv = await tcpServer((socket) => socket.pipe(socket));
    const transport = await open(srv.url);
    const buffer = bytesOf('abcd');
    await transport.write(buffer);
    buffer.fill(0x7a);
    await transport.write(buffer);
    expect(await readUntil(transport, 8)).toBe('abcdzzzz');
  });

  it('returns null once the server has closed, and again after that', async () => {
    const srv = await tcpServer((socket) => socket.end('bye'));
    const transport = await open(srv.url);
    expect(await readUntil(transport, 3)).toBe('bye');
    expect(await transport.read()).toBeNull();
    expect(await transport.read()).toBeNull();
  });

  it('resolves a pending read with null when the server closes', async () => {
    let serverSocket: net.Socket | undefined;
    const srv = await tcpServer((socket) => (serverSocket = socket));
    const transport = await open(srv.url);
    while (!serverSocket) await tick(5);
    const read = transport.read();
    serverSocket.end();
    expect(await read).toBeNull();
  });

  it('writes 8 MiB in order, waiting for drain while the server does not read', async () => {
    const size = 8 * 1024 * 1024;
    const data = pattern(size);
    const received: Buffer[] = [];
    let receivedBytes = 0;
    let serverSocket: net.Socket | undefined;
    const srv = await tcpServer((socket) => {
      serverSocket = socket;
      socket.pause();
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        receivedBytes += chunk.length;
      });
    });
    const transport = await open(srv.url);
    while (!serverSocket) await tick(5);

    // One big write: the socket cannot take it all while the server does not read, so it waits for 'drain'.
    const write = transport.write(data);
    expect(await settlesWithin(write, 200)).toBe(false);

    // Now the server reads, slowly: a few chunks at a time.
    const slowly = setInterval(() => {
      serverSocket!.resume();
      setTimeout(() => serverSocket!.pause(), 1);
    }, 5);
    try {
      await write;
      // Smaller writes after that also honour backpressure and keep their order.
      const more = pattern(1024 * 1024);
      for (let i = 0; i < more.length; i += 65536) await transport.write(more.subarray(i, i + 65536));
      await new Promise<void>((resolve) => {
        const check = (): void => (receivedBytes >= size + more.length ? resolve() : void setTimeout(check, 5));
        check();
      });
      const all = Buffer.concat(received);
      expect(all.length).toBe(size + more.length);
      expect(Buffer.compare(all.subarray(0, size), Buffer.from(data))).toBe(0);
      expect(Buffer.compare(all.subarray(size), Buffer.from(more))).toBe(0);
    } finally {
      clearInterval(slowly);
    }
  });

  it('reads 8 MiB in order, pausing the socket while the reader is slow', async () => {
    const size = 8 * 1024 * 1024;
    const data = pattern(size);
    let serverFlushed = false;
    const srv = await tcpServer((socket) => {
      socket.end(Buffer.from(data), () => (serverFlushed = true));
    });
    const transport = await open(srv.url);
    // Nothing read yet: the socket is paused after a small queue, so the server cannot flush 8 MiB.
    await tick(200);
    expect(serverFlushed).toBe(false);

    const chunks: Uint8Array[] = [];
    let reads = 0;
    for (let chunk = await transport.read(); chunk; chunk = await transport.read()) {
      chunks.push(chunk);
      if (++reads % 16 === 0) await tick(1);
    }
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(size);
    expect(Buffer.compare(all, Buffer.from(data))).toBe(0);
    expect(serverFlushed).toBe(true);
  });

  it('rejects with ERR_CONNECTION_REFUSED naming host:port for a port just closed', async () => {
    const srv = await tcpServer(() => {});
    const port = srv.port;
    await closeServer(srv);
    const error = await new NodeTcp().open(new URL(`http://127.0.0.1:${port}/`), {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    const e = error as TransportError;
    expect(e.code).toBe('ERR_CONNECTION_REFUSED');
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect((e.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('times the connect out through the clock: deterministic with a ManualClock', async () => {
    // open() arms the timer synchronously and a socket never connects in the same turn of the event loop,
    // so advancing the clock right away always fires the timeout before the connect.
    const srv = await tcpServer(() => {});
    const clock = new ManualClock();
    const opening = new NodeTcp().open(new URL(srv.url), { clock, timeouts: { connect: 5000 } });
    expect(clock.pending).toBe(1);
    clock.advance(4999);
    expect(clock.pending).toBe(1);
    clock.advance(1);
    const error = await opening.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe('connect');
    expect((error as TimeoutError).ms).toBe(5000);
    expect(clock.pending).toBe(0);
  });

  it('clears the connect timer once connected', async () => {
    const srv = await tcpServer(() => {});
    const clock = new ManualClock();
    const transport = await open(srv.url, { clock, timeouts: { connect: 5000 } });
    expect(clock.pending).toBe(0);
    clock.advance(10_000);
    await transport.write(bytesOf('still open'));
  });

  it('rejects with AbortError at once for an already aborted signal, without connecting', async () => {
    let connections = 0;
    const srv = await tcpServer(() => connections++);
    const controller = new AbortController();
    const reason = new Error('not wanted');
    controller.abort(reason);
    const error = await new NodeTcp().open(new URL(srv.url), { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).reason).toBe(reason);
    await tick(50);
    expect(connections).toBe(0);
  });

  it('rejects with AbortError when aborted during the connect, and clears the timer', async () => {
    const srv = await tcpServer(() => {});
    const controller = new AbortController();
    const clock = new ManualClock();
    const opening = new NodeTcp().open(new URL(srv.url), { signal: controller.signal, clock, timeouts: { connect: 1000 } });
    controller.abort('changed my mind');
    const error = await opening.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).reason).toBe('changed my mind');
    expect(clock.pending).toBe(0);
  });

  it('ignores an abort after the connect', async () => {
    const srv = await tcpServer((socket) => socket.pipe(socket));
    const controller = new AbortController();
    const transport = await open(srv.url, { signal: controller.signal });
    controller.abort();
    await transport.write(bytesOf('ok'));
    expect(await readUntil(transport, 2)).toBe('ok');
  });

  it('connects over IPv6 to [::1] when the host has it', async () => {
    let srv: LoopbackServer;
    try {
      srv = await tcpServer((socket) => socket.pipe(socket), '::1');
    } catch {
      console.warn('IPv6 loopback is not available: skipping');
      return;
    }
    expect(srv.url).toBe(`http://[::1]:${srv.port}/`);
    const transport = await open(srv.url);
    expect(transport.remoteAddress).toBe('::1');
    await transport.write(bytesOf('six'));
    expect(await readUntil(transport, 3)).toBe('six');
  });

  it('rejects a write after close with ERR_TRANSPORT_CLOSED; close is idempotent; reads return null', async () => {
    const srv = await tcpServer(() => {});
    const transport = await open(srv.url);
    const pending = transport.read();
    await transport.close();
    await transport.close();
    expect(await pending).toBeNull();
    expect(await transport.read()).toBeNull();
    const error = await transport.write(bytesOf('late')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('ERR_TRANSPORT_CLOSED');
  });

  it('rejects the pending read with ERR_CONNECTION_RESET, the Node error as cause, when the server resets', async () => {
    let serverSocket: net.Socket | undefined;
    const srv = await tcpServer((socket) => (serverSocket = socket));
    const transport = await open(srv.url);
    while (!serverSocket) await tick(5);
    const read = transport.read();
    serverSocket.resetAndDestroy();
    const error = await read.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('ERR_CONNECTION_RESET');
    expect((error as TransportError).message).toContain(`127.0.0.1:${srv.port}`);
    expect(((error as TransportError).cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    // The next read and writes fail the same way.
    await expect(transport.read()).rejects.toBe(error);
    await expect(transport.write(bytesOf('x'))).rejects.toBeInstanceOf(TransportError);
  });

  it('returns the bytes received before a reset, then rejects', async () => {
    let serverSocket: net.Socket | undefined;
    const srv = await tcpServer((socket) => (serverSocket = socket));
    const transport = await open(srv.url);
    while (!serverSocket) await tick(5);
    serverSocket.write('partial');
    await tick(50);
    serverSocket.resetAndDestroy();
    await tick(50);
    expect(latin1((await transport.read())!)).toBe('partial');
    await expect(transport.read()).rejects.toMatchObject({ code: 'ERR_CONNECTION_RESET' });
  });
});

describe('SocketTransport', () => {
  it('wraps an already connected socket, reporting secure as told', async () => {
    const srv = await tcpServer((socket) => socket.pipe(socket));
    const socket = net.connect(srv.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const transport = track(new SocketTransport(socket, true));
    expect(transport.secure).toBe(true);
    expect(transport.remotePort).toBe(srv.port);
    await transport.write(bytesOf('wrapped'));
    expect(await readUntil(transport, 7)).toBe('wrapped');
    await transport.close();
    // The address is still known after the socket is gone.
    expect(transport.remoteAddress).toBe('127.0.0.1');
  });
});

describe('error helpers (lib/transport/runtime-errors.ts, used by the Node adapters)', () => {
  it('maps Node error codes', () => {
    const err = (code: string): Error => Object.assign(new Error(code), { code });
    expect(runtimeErrorCode(err('ECONNREFUSED'))).toBe('ERR_CONNECTION_REFUSED');
    expect(runtimeErrorCode(err('ENOTFOUND'))).toBe('ERR_DNS');
    expect(runtimeErrorCode(err('EAI_AGAIN'))).toBe('ERR_DNS');
    expect(runtimeErrorCode(err('ECONNRESET'))).toBe('ERR_CONNECTION_RESET');
    expect(runtimeErrorCode(err('EWHATEVER'))).toBe('ERR_TRANSPORT');
    expect(runtimeErrorCode(undefined)).toBe('ERR_TRANSPORT');
  });

  it('formats IPv6 peers in brackets', () => {
    expect(peerName('::1', 80)).toBe('[::1]:80');
    expect(peerName('example.test', 443)).toBe('example.test:443');
  });
});
