/**
 * Aborting a request to a server that stalls, in every phase: while the TLS handshake hangs (both adapters),
 * while waiting for the head, in the middle of the head, of a body, of an event stream and of its reconnection
 * wait. Each is an AbortError carrying the signal's reason, at once, and the server sees every connection
 * closed: nothing is left open behind an aborted request.
 */
import * as net from 'node:net';
import { AbortError, Session } from '../../lib/index';
import { localhostCert } from '../support/certs';
import { allClosed, countingTcp, rejectionWithin, scriptedServer } from '../support/hostile';
import { closeServers, listen } from '../support/servers';
import { until } from '../support/time';

afterEach(closeServers);

/** The AbortError a request aborted with `reason` must fail with. */
function expectAbort(error: Error, reason: unknown): void {
  expect(error).toBeInstanceOf(AbortError);
  expect(error).toMatchObject({ code: 'ERR_ABORTED', reason });
}

describe('while the TLS handshake hangs (the server accepts and never answers)', () => {
  const cert = localhostCert();

  test.each([
    { adapter: 'NodeTls', transport: undefined },
    { adapter: 'ForgeTls', transport: 'forge-tls' },
  ])('$adapter: AbortError, the connection closed', async ({ transport }) => {
    let clientHello = 0;
    const server = await listen(net.createServer((socket) => socket.on('data', (chunk) => (clientHello += chunk.length))), { scheme: 'https' });
    const controller = new AbortController();
    await using session = new Session(server.origin, { transport, tls: { ca: cert.caPem } });
    // The bound covers loading node-forge on the first ForgeTls use.
    const sending = rejectionWithin(session.send({ signal: controller.signal }), 5000);
    await until(() => clientHello > 0, () => 'the ClientHello', 5000);
    controller.abort('gave up on the handshake');
    expectAbort(await sending, 'gave up on the handshake');
    await allClosed(server.sockets);
  });
});

const CHUNKED_HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';

/** What the server sends before it stalls (it never closes on its own). */
const stalls: Array<{ where: string; sent: string }> = [
  { where: 'waiting for the head', sent: '' },
  { where: 'in the middle of the head', sent: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-Partial: ' },
  { where: 'in the middle of a Content-Length body', sent: 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome' },
  { where: 'in the middle of a chunked body', sent: `${CHUNKED_HEAD}a\r\nsome` },
  { where: 'in the trailers', sent: `${CHUNKED_HEAD}0\r\nX-Trailer: 1\r\n` },
];

describe('send(), aborted', () => {
  test.each(stalls)('$where: AbortError, the connection closed', async ({ sent }) => {
    const client = countingTcp();
    const server = await scriptedServer((socket) => socket.write(sent));
    const controller = new AbortController();
    await using session = new Session(server.origin, { transport: client.factory });
    const sending = rejectionWithin(session.send({ signal: controller.signal }));
    await until(() => server.sockets.length === 1 && client.bytesRead() >= sent.length, () => `the client to read ${sent.length} bytes`);
    controller.abort('stalled');
    expectAbort(await sending, 'stalled');
    await allClosed(server.sockets);
  });

  test('by the session’s signal, in the middle of a body: the request fails the same way', async () => {
    const client = countingTcp();
    const server = await scriptedServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome'));
    const controller = new AbortController();
    await using session = new Session(server.origin, { transport: client.factory, signal: controller.signal });
    const sending = rejectionWithin(session.send());
    await until(() => client.bytesRead() > 0, () => 'the client to read the reply');
    controller.abort('session over');
    expectAbort(await sending, 'session over');
    await allClosed(server.sockets);
  });
});

test('stream(), aborted while the consumer waits for the next piece of the body', async () => {
  const server = await scriptedServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome'));
  const controller = new AbortController();
  await using session = new Session(server.origin);
  const response = await session.stream({ signal: controller.signal });
  const pieces = response.body[Symbol.asyncIterator]();
  expect(Buffer.from((await pieces.next()).value!).toString()).toBe('some');
  const next = rejectionWithin(pieces.next());
  controller.abort('enough');
  expectAbort(await next, 'enough');
  await allClosed(server.sockets);
});

describe('events(), aborted', () => {
  const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n';

  test('in the middle of the stream, after an event: the iteration throws AbortError', async () => {
    const sent = `${head}data: one\n\ndata: half of an ev`;
    const client = countingTcp();
    const server = await scriptedServer((socket) => socket.write(sent));
    const controller = new AbortController();
    await using session = new Session(server.origin, { transport: client.factory });
    const events: string[] = [];
    const iterating = rejectionWithin(
      (async () => {
        for await (const event of session.events({ signal: controller.signal })) events.push(event.data);
      })(),
    );
    // The consumer has the first event and waits for the rest of the second.
    await until(() => events.length === 1 && client.bytesRead() >= sent.length, () => 'the first event');
    controller.abort('unsubscribed');
    expectAbort(await iterating, 'unsubscribed');
    expect(events).toEqual(['one']);
    await allClosed(server.sockets);
  });

  test('while waiting to reconnect (retry 60 s): AbortError at once, no second connection', async () => {
    const server = await scriptedServer((socket) => socket.end(`${head}retry: 60000\ndata: one\n\n`));
    const controller = new AbortController();
    await using session = new Session(server.origin);
    const iterating = rejectionWithin(
      (async () => {
        for await (const event of session.events({ signal: controller.signal })) expect(event.data).toBe('one');
      })(),
    );
    await until(() => server.sockets.length === 1 && server.sockets[0].destroyed, () => 'the first connection to end');
    controller.abort('no reconnection');
    expectAbort(await iterating, 'no reconnection');
    expect(server.sockets).toHaveLength(1);
  });
});
