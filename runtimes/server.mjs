// The Node loopback server the runtimes talk to (127.0.0.1, an ephemeral port). Each response says which
// connection carried it (X-Connection), so a script can tell a reused connection from a new one.
import http from 'node:http';

/** The bytes of GET /large: 4 MiB whose every byte depends on its offset, so a lost or overwritten read shows. */
export const LARGE = 4 * 1024 * 1024;

export async function startServer() {
  let connections = 0;
  /** Connections to /events so far, for each `run` query. */
  const sseConnections = new Map();
  const server = http.createServer((req, res) => {
    res.setHeader('X-Connection', String(req.socket.connection ??= ++connections));
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/hello') return res.end('hello from node');
    if (url.pathname === '/echo') {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => res.end(Buffer.concat(chunks)));
      return;
    }
    if (url.pathname === '/stream') {
      // A chunked body written piece by piece, a little apart: the client sees the pieces as they come.
      let n = 0;
      const timer = setInterval(() => {
        res.write(`piece ${++n};`);
        if (n === 4) {
          clearInterval(timer);
          res.end();
        }
      }, 20);
      return;
    }
    if (url.pathname === '/large') {
      const body = Buffer.alloc(LARGE);
      for (let i = 0; i < LARGE; i++) body[i] = (i * 7 + (i >> 12)) & 0xff;
      return res.end(body);
    }
    if (url.pathname === '/events') {
      // The first connection sends three events and ends; the reconnect (with Last-Event-ID) is told to stop.
      const run = url.searchParams.get('run');
      sseConnections.set(run, (sseConnections.get(run) ?? 0) + 1);
      if (sseConnections.get(run) > 1) return res.writeHead(204, { 'X-Last-Event-ID': req.headers['last-event-id'] ?? '' }).end();
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write('retry: 10\n\n');
      res.write('id: 1\ndata: first\n\n');
      res.write('id: 2\nevent: update\ndata: second\n\n');
      return res.end('id: 3\ndata: third\ndata: line\n\n');
    }
    if (url.pathname === '/slow') return; // never answers: the client's timeout must end it
    res.writeHead(404).end();
  });
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  };
}
