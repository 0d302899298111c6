// A tour of the Session against a local node:http server: send, JSON, uploads, streaming, redirects, Server-Sent Events.
// Run: npm run build && node examples/session.mjs
import http from 'node:http';
import { Session } from 'io-http';

let sseConnections = 0;
const server = http.createServer(async (req, res) => {
  if (req.url === '/hello') return res.end('Hello from node:http');
  if (req.url.startsWith('/echo')) {
    // Says what it received: the method, the target, the type (without a form's boundary) and the length.
    let length = 0;
    for await (const chunk of req) length += chunk.length;
    return res.end(`${req.method} ${req.url} ${req.headers['content-type'].split(';')[0]}, ${length} bytes`);
  }
  if (req.url === '/json') return res.setHeader('Content-Type', 'application/json').end('{"answer":42}');
  if (req.url === '/old') return res.writeHead(301, { Location: '/hello' }).end();
  if (req.url === '/count') {
    // A chunked body written piece by piece: the stream delivers the pieces as they arrive.
    let n = 0;
    const timer = setInterval(() => {
      res.write(`${++n} `);
      if (n === 3) { clearInterval(timer); res.end(); }
    }, 10);
    return;
  }
  if (req.url === '/events') {
    // First connection: two events, then the server closes; the client reconnects with Last-Event-ID.
    // Second connection: 204 tells the client to stop.
    if (sseConnections++ > 0) return res.writeHead(204).end(`(resumed after ${req.headers['last-event-id']})`);
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    return res.end('retry: 10\n\nid: 1\ndata: first\n\nid: 2\nevent: update\ndata: second\n\n');
  }
  res.writeHead(404).end();
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

// (`await using session = …` closes it by itself on runtimes with explicit resource management.)
const session = new Session(origin, { timeouts: { total: 5000 } });

const hello = await session.send({ path: '/hello' });
console.log(`GET /hello   -> ${hello.status} ${hello.text()}`);

const json = await session.send({ path: '/json' });
console.log(`GET /json    -> ${json.status} answer=${json.json().answer}`);

// A value sent as JSON, and a query merged into the URL.
const created = await session.send({ method: 'POST', path: '/echo', query: { dryRun: true }, json: { name: 'x' } });
console.log(`POST json    -> ${created.text()}`);

// A form with a file: multipart/form-data, the file streamed from its Blob (fs.openAsBlob() for one on disk).
const form = new FormData();
form.append('note', 'hello');
form.append('file', new Blob(['file content']), 'notes.txt');
const uploaded = await session.send({ method: 'POST', path: '/echo', body: form });
console.log(`POST form    -> ${uploaded.text()}`);

// A misspelt option is an error that names the right one, not a silently ignored field.
await session.send({ pth: '/hello' }).catch((error) => console.log(`typo         -> ${error.code}: ${error.message}`));

const moved = await session.send({ path: '/old' });
console.log(`GET /old     -> ${moved.status} ${moved.text()} (via ${moved.redirects.map((r) => r.status).join(', ')})`);

const stream = await session.stream({ path: '/count' });
const pieces = [];
for await (const piece of stream.body) pieces.push(new TextDecoder().decode(piece));
console.log(`GET /count   -> ${stream.status}, ${pieces.length} pieces: ${JSON.stringify(pieces.join(''))}`);

for await (const event of session.events({ path: '/events' })) {
  console.log(`event        -> ${event.event} #${event.id}: ${event.data}`);
}
console.log(`SSE          -> stopped after ${sseConnections} connections`);

await session.close();

server.close();
