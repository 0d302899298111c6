// Writing and registering a transport adapter. A Transport is four members: read, write, close, secure.
// Run: npm run build && node examples/custom-transport.mjs
import { Session, NodeTcp } from 'io-http';
import { InMemoryTransport } from 'io-http/adapters/in-memory';
import http from 'node:http';

// 1. A decorator adapter: wraps the transports another factory opens and counts the bytes each way.
class CountingTransport {
  constructor(inner) { this.inner = inner; this.sent = 0; this.received = 0; }
  get secure() { return this.inner.secure; }
  // Its reads are the inner transport's chunks, so they are as owned as those (NodeTcp's are): say so, and the
  // session reads it without copying (see docs/transports.md, "Who owns a read's bytes").
  get ownedReads() { return this.inner.ownedReads; }
  async read() {
    const bytes = await this.inner.read();
    if (bytes) this.received += bytes.length;
    return bytes;
  }
  async write(bytes) { this.sent += bytes.length; return this.inner.write(bytes); }
  close() { console.log(`  connection closed: ${this.sent} bytes sent, ${this.received} received`); return this.inner.close(); }
}
const counting = { open: async (url, options) => new CountingTransport(await new NodeTcp().open(url, options)) };

const server = http.createServer((req, res) => res.end(`you asked for ${req.url}`));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
{
  // Per session: the `transport` option takes a factory (or a registered name).
  const session = new Session(`http://127.0.0.1:${server.address().port}`, { transport: counting });
  console.log('counting adapter:', (await session.send({ path: '/a' })).text(), '/', (await session.send({ path: '/b' })).text());
  await session.close();
}
server.close();

// 2. A scheme of our own: 'mem:' URLs answered by an in-process fake server over InMemoryTransport pairs.
Session.registerTransport(
  'mem',
  InMemoryTransport.factory(async (server) => {
    await server.read(); // the request (one read is enough for this small GET)
    await server.write(new TextEncoder().encode('HTTP/1.1 200 OK\r\nContent-Length: 13\r\nConnection: close\r\n\r\nin-memory hi!'));
    await server.close();
  }),
);
const memory = new Session('mem://fake/');
console.log('mem: scheme    :', (await memory.send()).text());
await memory.close();
