/**
 * A buffered body costs memory in proportion to its size, however the server cuts it: a body of one-byte
 * chunks once cost 110–160 bytes of memory per body byte (a view object per piece).
 */
import { HttpRequest } from '../../lib/message/request';
import { Http11Protocol } from '../../lib/protocol/http11-protocol';
import { Session } from '../../lib/session/session';
import { countingTcp, MemoryProbe, MiB } from '../support/hostile';
import { closeServers, rawServer } from '../support/servers';

afterEach(closeServers);

describe('memory of a buffered body', () => {
  test('1 MiB sent as one-byte chunks, with maxBodySize 1 MiB: accepted, with memory a small multiple of the body', async () => {
    const server = await rawServer(async (socket, reader) => {
      await reader.request();
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
      const piece = Buffer.from('1\r\nx\r\n'.repeat(16 * 1024), 'latin1');
      for (let sent = 0; sent < MiB; sent += 16 * 1024) {
        if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve));
      }
      socket.write('0\r\n\r\n');
    });
    const probe = new MemoryProbe();
    const { factory } = countingTcp(probe.every(MiB / 2)); // live memory (after a full GC) every 512 KiB of wire read
    await using session = new Session(server.origin, { transport: factory, protocol: { maxBodySize: MiB } });
    const response = await session.send();
    probe.sample();
    expect(response.body.length).toBe(MiB);
    expect(response.body.every((b) => b === 0x78)).toBe(true);
    // One view per byte held 110–160 MB here; the body itself is 1 MiB.
    expect(probe.growth).toBeLessThan(16 * MiB);
  }, 30_000);

  test('the core driven by hand, collecting: 1 MiB of one-byte chunks, in fresh reads, holds a small multiple of the body', () => {
    const wire = new TextEncoder().encode('1\r\nx\r\n'.repeat(16 * 1024)); // 16 KiB of body a read
    const protocol = new Http11Protocol(HttpRequest.get('http://example.com/'));
    protocol.resume(); // the request head
    const probe = new MemoryProbe();
    let step = protocol.resume(new TextEncoder().encode('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'));
    for (let read = 0; read < 64; read++) {
      expect(step).toMatchObject({ done: false, value: { type: 'read' } });
      step = protocol.resume(wire.slice()); // a new array each read, as a transport gives
      if (read % 16 === 15) probe.sample();
    }
    step = protocol.resume(new TextEncoder().encode('0\r\n\r\n'));
    probe.sample();
    if (!step.done) throw new Error(`expected the response, got ${step.value.type}`);
    expect(step.value.response.body.length).toBe(MiB);
    expect(step.value.response.body.every((b) => b === 0x78)).toBe(true);
    // A view per piece (with the reads they point into) held over 100 MB here.
    expect(probe.growth).toBeLessThan(16 * MiB);
  }, 30_000);

  test('a body one byte over maxBodySize fails with LimitError before it is held', async () => {
    const server = await rawServer(async (socket, reader) => {
      await reader.request();
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
      socket.write('1\r\nx\r\n'.repeat(1025));
      socket.end('0\r\n\r\n');
    });
    await using session = new Session(server.origin, { transport: countingTcp().factory, protocol: { maxBodySize: 1024 } });
    await expect(session.send()).rejects.toMatchObject({ code: 'ERR_BODY_TOO_LARGE', limit: 1024 });
  });

  test('a Content-Length far beyond what is sent does not make the client allocate it', async () => {
    const server = await rawServer(async (socket, reader) => {
      await reader.request();
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\n');
      socket.write('x'.repeat(100));
      setTimeout(() => socket.write('y'.repeat(100)), 20);
      setTimeout(() => socket.destroy(), 60);
    });
    const probe = new MemoryProbe();
    const { factory } = countingTcp(() => probe.sample());
    await using session = new Session(server.origin, { transport: factory });
    await expect(session.send()).rejects.toMatchObject({ code: 'ERR_INCOMPLETE_MESSAGE' });
    expect(probe.growth).toBeLessThan(24 * MiB); // at most the 16 MiB the collector presizes to
  });
});
