// The end-to-end benchmark's server: node:http on 127.0.0.1, keep-alive, in a child process of bench/e2e.mjs
// so it has its own event loop (and, on 2 cores, its own core). It tells the parent its port over IPC and
// stops by itself: when the parent disconnects, or after MAX_LIFETIME_MS whatever happens.
import http from 'node:http';

const MAX_LIFETIME_MS = 180_000;
const SMALL = Buffer.from('Hello, World!'); // 13 bytes
const LARGE = Buffer.alloc(1024 * 1024, 'abcdefghijklmnopqrstuvwxyz0123456789');

let connections = 0;
let requests = 0;

const server = http.createServer((req, res) => {
  requests++;
  // Drain the request (GETs have no body; this keeps the connection reusable if one does).
  req.resume();
  if (req.url === '/large') {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': LARGE.length });
    res.end(LARGE);
  } else {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': SMALL.length });
    res.end(SMALL);
  }
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 61_000;
server.on('connection', (socket) => {
  connections++;
  socket.setNoDelay(true);
});

const stop = () => {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
};
setTimeout(stop, MAX_LIFETIME_MS).unref();
process.on('disconnect', stop);
process.on('message', (m) => {
  if (m === 'stats') process.send({ type: 'stats', connections, requests });
  if (m === 'stop') stop();
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ type: 'ready', port });
  else console.log(`listening on http://127.0.0.1:${port}`);
});
