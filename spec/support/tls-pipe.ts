/**
 * A node:tls (OpenSSL) server running over one end of an in-memory pair: TLS over a byte pipe that is not a
 * socket, for the ForgeTls and TLS client specs.
 */
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { InMemoryTransport } from '../../adapters/in-memory';
import type { PemCert } from './certs';

export interface PipeServer {
  socket: tls.TLSSocket;
  received: () => string;
  /** Resolves when the server's TLS socket saw the end of the stream (the client's close_notify). */
  ended: Promise<void>;
  end: InMemoryTransport;
}

/** A node:tls server socket over the server end of an in-memory pair; echoes 'echo:' + data unless `onData`. */
export function pipeServer(
  end: InMemoryTransport,
  cert: PemCert,
  options: {
    onData?: (data: Buffer, socket: tls.TLSSocket) => void;
    tls?: tls.SecureContextOptions;
    /** Ask for a client certificate; with `requireCert`, refuse the handshake without one. */
    requestCert?: boolean;
    requireCert?: boolean;
  } = {},
): PipeServer {
  const duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      end.write(new Uint8Array(chunk)).then(() => callback(), callback);
    },
    final(callback) {
      end.close().then(() => callback(), callback);
    },
  });
  void (async () => {
    for (let chunk = await end.read().catch(() => null); chunk; chunk = await end.read().catch(() => null)) duplex.push(Buffer.from(chunk));
    duplex.push(null);
  })();
  const socket = new tls.TLSSocket(duplex, {
    isServer: true,
    requestCert: options.requestCert ?? false,
    rejectUnauthorized: options.requireCert ?? false,
    secureContext: tls.createSecureContext({ key: cert.keyPem, cert: cert.certPem, ...options.tls }),
  });
  socket.on('error', () => {});
  let received = '';
  let ended!: () => void;
  const endedPromise = new Promise<void>((resolve) => (ended = resolve));
  socket.on('end', () => ended());
  socket.on('data', (data: Buffer) => {
    received += data.toString('latin1');
    if (options.onData) options.onData(data, socket);
    else socket.write(`echo:${data.toString('latin1')}`);
  });
  return { socket, received: () => received, ended: endedPromise, end };
}

export function pair(cert: PemCert, options: Parameters<typeof pipeServer>[2] & { split?: number } = {}): { client: InMemoryTransport; server: PipeServer } {
  const [client, serverEnd] = InMemoryTransport.pair(options.split ? { split: options.split } : {});
  return { client, server: pipeServer(serverEnd, cert, options) };
}

