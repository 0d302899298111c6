/**
 * Loopback servers for specs. `listen()` starts a server on an ephemeral port and keeps it, with every
 * connection it accepts, until `closeServers()` (run it in afterEach) closes them all. State is per module
 * instance, i.e. per test file. Made with it: a raw TCP server, a node:http server, a node:tls echo server.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { TestCert } from './certs';
import { RequestReader } from './request-reader';

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

/** A raw TCP server: the test writes the exact bytes of each reply, reading the requests with `reader`. */
export function rawServer(onConnection: (socket: net.Socket, reader: RequestReader, index: number) => void): Promise<LoopbackServer> {
  let connections = 0;
  return listen(net.createServer((socket) => onConnection(socket, new RequestReader(socket), connections++)));
}

/** A node:http server. */
export async function httpServer(handler: http.RequestListener): Promise<LoopbackServer & { server: http.Server }> {
  const server = http.createServer(handler);
  return { ...(await listen(server)), server };
}

/** The body a node:http server received, as UTF-8 text: what arrived so far if the client gave up. */
export async function bodyOf(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of req) chunks.push(chunk as Buffer);
  } catch {
    // aborted by the client
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What `echoRequest` answers, as JSON. */
export interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  rawHeaders: string[];
}

/** A node:http(s) handler that echoes the request (method, URL, headers, body) as JSON. */
export const echoRequest: http.RequestListener = async (req, res) => {
  const echo: Echo = {
    method: req.method!,
    url: req.url!,
    headers: req.headers as Record<string, string>,
    body: await bodyOf(req),
    rawHeaders: req.rawHeaders,
  };
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(echo));
};

/**
 * A node:tls server configuration that ForgeTls's legacy node-forge engine (`tls.minVersion` TLSv1/TLSv1.1)
 * interoperates with on OpenSSL 3 (docs/tls.md): TLS 1.1 allowed, an RSA-key-exchange AES-CBC-SHA suite, and
 * security level 0 — OpenSSL 3 at level 1 or more refuses to sign a TLS 1.0/1.1 handshake.
 */
export const LEGACY_TLS_SERVER: tls.TlsOptions = { minVersion: 'TLSv1.1', ciphers: 'AES128-SHA:AES256-SHA:@SECLEVEL=0' };

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

/**
 * A raw server that writes `total` bytes of 'b' in 64 KiB writes, honouring backpressure, then ends:
 * `written()` tells how far it got, so a test can see a reader that stops reading stall it.
 */
export async function floodingServer(total: number): Promise<{ server: LoopbackServer; written: () => number }> {
  let written = 0;
  const server = await rawServer(async (socket) => {
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    while (written < total && !socket.destroyed) {
      written += chunk.length;
      if (!socket.write(chunk)) await once(socket, 'drain');
    }
    socket.end();
  });
  return { server, written: () => written };
}
