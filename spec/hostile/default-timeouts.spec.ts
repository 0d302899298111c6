/**
 * Default timeouts: a silent server, a slow head or body, a connect or TLS handshake that never completes
 * each end in a TimeoutError without the user setting anything (10 s to connect, 10 s for the handshake,
 * 300 s for the head and between body bytes). `0` or `Infinity` turns one off.
 */
import * as net from 'node:net';
import { NodeTls } from '../../adapters/node-tls';
import { TimeoutError } from '../../lib/message/errors';
import { ManualClock } from '../../lib/transport/clock';
import { Session } from '../../lib/session/session';
import { DEFAULT_TIMEOUTS } from '../../lib/session/timeouts';
import type { Transport, TransportFactory, TransportOptions } from '../../lib/transport/transport';
import { rejection } from '../support/failures';
import { closeServers, listen, rawServer } from '../support/servers';
import { tcp } from '../support/tcp';
import { tick, until } from '../support/time';

afterEach(closeServers);


test('the defaults are undici’s: 10 s connect and handshake, 300 s head and body idle, no total', () => {
  expect(DEFAULT_TIMEOUTS).toEqual({ connect: 10_000, tls: 10_000, headers: 300_000, bodyIdle: 300_000 });
});

describe('with no timeouts set', () => {
  test('a server that never answers: TimeoutError headers after 300 s', async () => {
    const clock = new ManualClock();
    let requests = 0;
    const server = await rawServer(async (_socket, reader) => {
      if (await reader.head()) requests++;
    });
    await using session = new Session(server.origin, { transport: tcp, clock });
    const sending = rejection(session.send());
    await until(() => requests === 1 && clock.pending === 1, () => 'the request in, the headers timer armed');
    clock.advance(299_999);
    await tick(10);
    clock.advance(1);
    const error = await sending;
    expect(error).toBeInstanceOf(TimeoutError);
    expect([error.phase, error.ms]).toEqual(['headers', 300_000]);
  });

  test('a head dribbled byte by byte is bounded by the same 300 s', async () => {
    const clock = new ManualClock();
    const server = await rawServer(async (socket, reader) => {
      await reader.head();
      const head = 'HTTP/1.1 200 OK\r\nX-Slow: ' + 'a'.repeat(1000);
      for (let i = 0; i < head.length && !socket.destroyed; i++) {
        socket.write(head[i]!);
        await tick(1);
      }
    });
    await using session = new Session(server.origin, { transport: tcp, clock });
    const sending = rejection(session.send());
    await until(() => clock.pending === 1, () => 'the headers timer armed');
    await tick(20);
    clock.advance(300_000);
    expect(await sending).toMatchObject({ code: 'ERR_TIMEOUT', phase: 'headers' });
  });

  test('a body that stalls: TimeoutError bodyIdle after 300 s without a byte', async () => {
    const clock = new ManualClock();
    const server = await rawServer(async (socket, reader) => {
      await reader.head();
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf ');
    });
    await using session = new Session(server.origin, { transport: tcp, clock });
    const sending = rejection(session.send());
    await until(() => clock.pending === 1 && clock.nextDue === 300_000, () => 'the body-idle timer armed');
    await tick(20);
    clock.advance(300_000);
    expect(await sending).toMatchObject({ code: 'ERR_TIMEOUT', phase: 'bodyIdle' });
  });

  test('a TLS handshake that never completes: TimeoutError tls after 10 s (NodeTls)', async () => {
    const clock = new ManualClock();
    const silent = await listen(net.createServer((socket) => socket.resume())); // accepts, reads, never speaks TLS
    await using session = new Session(`https://127.0.0.1:${silent.port}/`, { transport: new NodeTls(), clock });
    const sending = rejection(session.send());
    await until(() => silent.sockets.length === 1 && clock.pending === 1, () => 'the connection in, the handshake timer armed');
    clock.advance(10_000);
    const error = await sending;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.phase).toBe('tls');
    await until(() => silent.sockets[0]!.destroyed || silent.sockets[0]!.readableEnded, () => 'the client to close the connection');
  });

  test('the connect and tls defaults reach the transport factory; 0 and Infinity turn them off', async () => {
    const calls: TransportOptions[] = [];
    const factory: TransportFactory = {
      open: (_url: URL, options: TransportOptions): Promise<Transport> => {
        calls.push(options);
        return Promise.reject(new Error('no network here'));
      },
    };
    await using session = new Session('http://example.test/', { transport: factory });
    await rejection(session.send());
    expect(calls[0]!.timeouts).toEqual({ connect: 10_000, tls: 10_000 });
    await using off = new Session('http://example.test/', { transport: factory, timeouts: { connect: 0, tls: Infinity } });
    await rejection(off.send());
    expect(calls[1]!.timeouts).toEqual({ connect: undefined, tls: undefined });
  });

  test('headers: 0 turns the head timeout off', async () => {
    const clock = new ManualClock();
    let requests = 0;
    const server = await rawServer(async (_socket, reader) => {
      if (await reader.head()) requests++;
    });
    await using session = new Session(server.origin, { transport: tcp, clock, timeouts: { headers: 0 } });
    void session.send().catch(() => {});
    await until(() => requests === 1, () => 'the request in');
    await tick(20);
    expect(clock.pending).toBe(0);
  });
});
