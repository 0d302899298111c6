/**
 * Hostile servers that reset the connection (a TCP RST, `socket.resetAndDestroy()`) in every phase of an
 * exchange: a TransportError ERR_CONNECTION_RESET in plain HTTP; during the TLS handshake, a TlsError
 * 'handshake' on both TLS adapters. Never a response that looks complete,
 * never an untyped error.
 */
import * as net from 'node:net';
import { Session, TlsError, TransportError } from '../../lib/index';
import { localhostCert } from '../support/certs';
import { allClosed, bodyFailure, countingTcp, rejectionWithin, scriptedServer } from '../support/hostile';
import { closeServers, listen } from '../support/servers';
import { until } from '../support/time';

afterEach(closeServers);

const CHUNKED_HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';

/** What the server sends before it resets, after reading the request. */
const phases: Array<{ where: string; sent: string }> = [
  { where: 'before the first byte of the response', sent: '' },
  { where: 'in the status line', sent: 'HTTP/1.1 2' },
  { where: 'in the fields', sent: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX-' },
  { where: 'in a Content-Length body', sent: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc' },
  { where: 'in a chunk-size line', sent: `${CHUNKED_HEAD}5\r\nhello\r\n1` },
  { where: 'in chunk data', sent: `${CHUNKED_HEAD}5\r\nhel` },
  { where: 'in the trailers', sent: `${CHUNKED_HEAD}0\r\nX-T: 1\r\n` },
];

describe('the server resets the connection', () => {
  test.each(phases)('$where: TransportError ERR_CONNECTION_RESET', async ({ sent }) => {
    const client = countingTcp();
    const server = await scriptedServer(async (socket) => {
      socket.write(sent);
      // Once the client has read what was sent: a RST that came with the data would read as a clean end
      // (libuv reports a hang-up after a partial read as EOF), which truncation.spec.ts covers.
      await until(() => client.bytesRead() >= sent.length, () => `the client to read ${sent.length} bytes`);
      socket.resetAndDestroy();
    });
    await using session = new Session(server.origin, { transport: client.factory });
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('ERR_CONNECTION_RESET');
    await allClosed(server.sockets);
  });

  test('before reading the request: the failed write or read is ERR_CONNECTION_RESET', async () => {
    const server = await listen(net.createServer((socket) => socket.resetAndDestroy()));
    await using session = new Session(server.origin);
    const error = await rejectionWithin(session.send({ method: 'POST', body: 'x'.repeat(1024 * 1024) }));
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('ERR_CONNECTION_RESET');
  });

  test('in a streamed body: the iteration throws ERR_CONNECTION_RESET after the bytes that arrived', async () => {
    const client = countingTcp();
    const reply = 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome';
    const server = await scriptedServer(async (socket) => {
      socket.write(reply);
      await until(() => client.bytesRead() >= reply.length, () => 'the client to read the reply');
      socket.resetAndDestroy();
    });
    await using session = new Session(server.origin, { transport: client.factory });
    const { error, received } = await bodyFailure(await session.stream());
    expect(error).toBeInstanceOf(TransportError);
    expect(error.code).toBe('ERR_CONNECTION_RESET');
    expect(received).toBe('some');
    await allClosed(server.sockets);
  });
});

describe('the server resets during the TLS handshake (after the ClientHello)', () => {
  const cert = localhostCert();

  /** A TCP server that reads the first bytes of the handshake, then resets. */
  async function resettingServer() {
    const server = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    return listen(server, { scheme: 'https' });
  }

  test('NodeTls: TlsError reason handshake, the reset its cause', async () => {
    const server = await resettingServer();
    await using session = new Session(server.origin, { tls: { ca: cert.caPem } });
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ code: 'ERR_TLS', reason: 'handshake', cause: { code: 'ECONNRESET' } });
    await allClosed(server.sockets);
  });

  test('ForgeTls: TlsError handshake too, with the inner ERR_CONNECTION_RESET as its cause', async () => {
    const server = await resettingServer();
    await using session = new Session(server.origin, { transport: 'forge-tls', tls: { ca: cert.caPem } });
    const error = await rejectionWithin(session.send());
    expect(error).toBeInstanceOf(TlsError);
    expect((error as unknown as TlsError).reason).toBe('handshake');
    expect((error.cause as TransportError).code).toBe('ERR_CONNECTION_RESET');
    await allClosed(server.sockets);
  });
});
