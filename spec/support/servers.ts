/**
 * Loopback servers for specs. `listen()` starts a server on an ephemeral port and keeps it, with every
 * connection it accepts, until `closeServers()` (run it in afterEach) closes them all. State is per module
 * instance, i.e. per test file.
 */
import type * as http from 'node:http';
import type * as net from 'node:net';
import * as tls from 'node:tls';
import type { TestCert } from './certs';

export interface LoopbackServer {
  server: net.Server;
  port: number;
  /** Every connection accepted, in order (for a TLS server, the TCP sockets). */
  sockets: net.Socket[];
  /** `scheme://host:port`, an IPv6 host in brackets, no trailing slash. */
  origin: string;
  /** `origin` + '/'. */
  url: string;
}

const servers: LoopbackServer[] = [];

/**
 * Starts `server` on an ephemeral port of `host` (rejects if it cannot) and keeps it for `closeServers()`.
 * Each connection is recorded (and its errors ignored) before the server's own handlers see it.
 */
export async function listen(server: net.Server, options: { host?: string; scheme?: 'http' | 'https' } = {}): Promise<LoopbackServer> {
  const { host = '127.0.0.1', scheme = 'http' } = options;
  const sockets: net.Socket[] = [];
  server.prependListener('connection', (socket: net.Socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const origin = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const kept = { server, port, sockets, origin, url: `${origin}/` };
  servers.push(kept);
  return kept;
}

/** Closes one server now, destroying its connections, and forgets it (e.g. to have a port that refuses). */
export function closeServer(kept: LoopbackServer): Promise<void> {
  const index = servers.indexOf(kept);
  if (index >= 0) servers.splice(index, 1);
  return new Promise<void>((resolve) => {
    for (const socket of kept.sockets) socket.destroy();
    // node:http(s) servers also drop the connections they track themselves.
    (kept.server as Partial<Pick<http.Server, 'closeAllConnections'>>).closeAllConnections?.();
    kept.server.close(() => resolve());
  });
}

/** Closes every server `listen()` started and not closed yet, with their connections. */
export async function closeServers(): Promise<void> {
  await Promise.all(servers.splice(0).map(closeServer));
}

/**
 * A node:tls server on 127.0.0.1 presenting `cert`, answering every chunk with 'echo:' + chunk (as latin1);
 * `seen` gets each secure socket. Failed handshakes are ignored on the server side.
 */
export function tlsEchoServer(cert: Pick<TestCert, 'certPem' | 'keyPem'>, options: tls.TlsOptions = {}, seen?: (socket: tls.TLSSocket) => void): Promise<LoopbackServer> {
  const server = tls.createServer({ key: cert.keyPem, cert: cert.certPem, ...options }, (socket) => {
    socket.on('error', () => {});
    seen?.(socket);
    socket.on('data', (chunk) => socket.write(`echo:${chunk.toString('latin1')}`));
  });
  server.on('tlsClientError', () => {});
  return listen(server, { scheme: 'https' });
}
