/**
 * A small HTTP proxy for specs, on 127.0.0.1: it forwards absolute-form requests (`GET http://origin/path`)
 * and opens CONNECT tunnels, as squid or tinyproxy do, and records what it received. With `credentials` it asks
 * for Basic auth (407 with a `Proxy-Authenticate` challenge); `refuseConnect` answers every CONNECT with a
 * refusal. Like a real proxy it takes `Proxy-Authorization` and the hop-by-hop fields out before forwarding.
 * It is kept by `listen()`, so `closeServers()` closes it.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { listen } from './servers';

export interface ProxiedRequest {
  method: string;
  /** The request-target as the client sent it: absolute-form for a forwarded request, `host:port` for CONNECT. */
  target: string;
  headers: http.IncomingHttpHeaders;
}

export interface TestProxy {
  /** `http://127.0.0.1:port` */
  url: string;
  port: number;
  /** Requests forwarded (or refused), in order. */
  requests: ProxiedRequest[];
  /** CONNECT requests, in order. */
  connects: ProxiedRequest[];
  /** TCP connections accepted from clients. */
  connections: () => number;
  /** Those not closed yet. */
  openConnections: () => number;
}

export interface TestProxyOptions {
  credentials?: { user: string; pass: string };
  /** Answer every CONNECT with this status (and these header lines, each ending in CRLF). */
  refuseConnect?: { status: number; fields?: string };
}

const HOP_BY_HOP = ['proxy-authorization', 'proxy-connection', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade'];

export async function forwardingProxy(options: TestProxyOptions = {}): Promise<TestProxy> {
  const requests: ProxiedRequest[] = [];
  const connects: ProxiedRequest[] = [];
  const expected = options.credentials
    ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.pass}`).toString('base64')}`
    : undefined;
  const authorised = (req: http.IncomingMessage): boolean => expected === undefined || req.headers['proxy-authorization'] === expected;
  const challenge = 'Basic realm="test proxy", charset="UTF-8"';

  const server = http.createServer((req, res) => {
    requests.push({ method: req.method!, target: req.url!, headers: req.headers });
    if (!authorised(req)) {
      res.writeHead(407, { 'Proxy-Authenticate': challenge, 'Content-Type': 'text/plain' });
      res.end('proxy credentials required');
      return;
    }
    const target = new URL(req.url!);
    const headers = { ...req.headers };
    for (const name of HOP_BY_HOP) delete headers[name];
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    connects.push({ method: req.method!, target: req.url!, headers: req.headers });
    client.on('error', () => {});
    if (!authorised(req)) {
      client.end(`HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: ${challenge}\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (options.refuseConnect !== undefined) {
      const { status, fields = '' } = options.refuseConnect;
      client.end(`HTTP/1.1 ${status} Refused\r\n${fields}Content-Length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = splitAuthority(req.url!);
    const upstream = net.connect({ host, port }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });

  const { port, sockets } = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, requests, connects, connections: () => sockets.length, openConnections: () => sockets.filter((s) => !s.destroyed).length };
}

/** `host:port` (`[::1]:443`) as host and port. */
function splitAuthority(authority: string): [string, number] {
  const at = authority.lastIndexOf(':');
  return [authority.slice(0, at).replace(/^\[|\]$/g, ''), Number(authority.slice(at + 1))];
}
