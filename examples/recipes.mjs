// The recipes of docs/README.md, run against a local node:http server: a JSON API (query, json), uploads
// (FormData, URLSearchParams), a download with progress, Server-Sent Events, timeouts and retries, and a
// recording replayed without the network. Runs as written on Node 20.
// Run: npm run build && node examples/recipes.mjs
import http from 'node:http';
import { Session } from 'io-http';
import { NodeTcp } from 'io-http/adapters/node-tcp';
import { RecordingTransport, ReplayTransport } from 'io-http/adapters/in-memory';

const server = http.createServer(async (req, res) => {
  let received = 0;
  for await (const piece of req) received += piece.length;
  if (req.url === '/v1/big.bin') return res.writeHead(200, { 'Content-Length': 256 * 1024 }).end(Buffer.alloc(256 * 1024, 7));
  if (req.url === '/v1/stream') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    return res.end('data: first\n\ndata: done\n\n');
  }
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ method: req.method, url: req.url, type: req.headers['content-type'], auth: req.headers.authorization, received }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/v1/`;

// A JSON API: session headers and credentials, a query merged into the URL, a JSON body.
const api = new Session(base, { headers: { 'X-Client': 'reports' }, auth: { bearer: 'token-1' }, proxy: false });
const list = await api.send({ path: 'items', query: { limit: 10, tag: 'new' } });
console.log(`JSON API   -> ${list.json().method} ${list.json().url} (${list.json().auth})`);
const created = await api.send({ method: 'POST', path: 'items', json: { name: 'x' } });
console.log(`JSON body  -> ${created.json().type}, ${created.json().received} bytes`);

// Uploads: a form with a file part (multipart, random boundary) and a URL-encoded form.
const form = new FormData();
form.append('title', 'holiday');
form.append('photo', new Blob([new Uint8Array(1000)], { type: 'image/jpeg' }), 'photo.jpg');
const upload = (await api.send({ method: 'POST', path: 'upload', body: form })).json();
console.log(`FormData   -> ${upload.type.split(';')[0]}, ${upload.received} bytes`);
const encoded = (await api.send({ method: 'POST', path: 'form', body: new URLSearchParams({ q: 'a b' }) })).json();
console.log(`URL form   -> ${encoded.type}`);

// A download, pulled piece by piece, with progress.
const download = await api.stream({ path: 'big.bin' });
const total = Number(download.headers.get('content-length'));
let got = 0;
for await (const piece of download.body) got += piece.length;
console.log(`download   -> ${got} / ${total} bytes`);

// Server-Sent Events: leaving the loop closes the stream.
for await (const event of api.events({ path: 'stream' })) {
  console.log(`event      -> ${event.data}`);
  if (event.data === 'done') break;
}
await api.close();

// Timeouts and retries, per session and per request.
const careful = new Session(base, { timeouts: { connect: 5_000, headers: 10_000, bodyIdle: 30_000 }, retry: 3, proxy: false });
const quick = await careful.send({ path: 'quick', timeout: 2_000 });
console.log(`timeouts   -> ${quick.status} after ${quick.attempts.length} attempt(s)`);
await careful.close();

// Record a real exchange once, then replay it with no network at all.
const recorder = RecordingTransport.factory(new NodeTcp());
const live = new Session(base, { transport: recorder, proxy: false });
await live.send({ path: 'hello' });
await live.close();
const cassettes = JSON.parse(JSON.stringify(recorder.cassettes())); // as if written to a file and read back
server.close();
const replay = new Session(base, { transport: ReplayTransport.factory(cassettes), proxy: false });
console.log(`replayed   -> ${(await replay.send({ path: 'hello' })).json().url} (server already closed)`);
await replay.close();
