// Subclassing a protocol to change one decision, and handing the subclass to a Session.
// Run: npm run build && node examples/custom-protocol.mjs
import net from 'node:net';
import { Http11Protocol, Session } from 'io-http';

// A legacy device frames its body with a private field instead of Content-Length, and then keeps the
// connection open. Strict io-http would read until close and wait forever; this subclass knows better.
class LegacyDeviceProtocol extends Http11Protocol {
  bodyFraming(response) {
    const length = response.headers.get('x-body-length');
    return length !== undefined ? { kind: 'length', length: Number(length) } : super.bodyFraming(response);
  }
}

const device = net.createServer((socket) => {
  socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\nX-Body-Length: 11\r\n\r\ntemp=21.5 C'));
});
await new Promise((resolve) => device.listen(0, '127.0.0.1', resolve));

const session = new Session(`http://127.0.0.1:${device.address().port}`, {
  protocolFactory: (request, options) => new LegacyDeviceProtocol(request, options),
  timeouts: { total: 2000 },
});
const reading = await session.send({ path: '/sensor' });
console.log(`device says: ${reading.text()}`);
await session.close();
device.close();
