import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkCassette, type Cassette } from '../../adapters/cassette';
import { InMemoryTransport, splitBytes } from '../../adapters/in-memory';
import { NodeTcp } from '../../adapters/node-tcp';
import { RecordingTransport } from '../../adapters/recording';
import { ReplayMismatchError, ReplayTransport } from '../../adapters/replay';
import { AbortError, TransportError, UsageError } from '../../lib/message/errors';
import type { Transport } from '../../lib/transport/transport';
import { bytesOf, latin1 } from '../support/bytes';
import { tick } from '../support/time';

const text = (b: Uint8Array | null): string | null => (b === null ? null : latin1(b));

/** Every read until `null`, as strings (the boundaries kept). */
async function readChunks(transport: Transport): Promise<string[]> {
  const out: string[] = [];
  for (let chunk = await transport.read(); chunk; chunk = await transport.read()) out.push(text(chunk)!);
  return out;
}

/** Whether a promise is still pending after the microtasks and one macrotask have run. */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await tick();
  return !settled;
}

describe('InMemoryTransport.pair', () => {
  it('connects two ends both ways, one chunk per write by default', async () => {
    const [client, server] = InMemoryTransport.pair();
    expect(client.secure).toBe(false);
    expect(client.remoteAddress).toBe('memory');
    await client.write(bytesOf('GET / HTTP/1.1\r\n'));
    await client.write(bytesOf('\r\n'));
    expect(text(await server.read())).toBe('GET / HTTP/1.1\r\n');
    expect(text(await server.read())).toBe('\r\n');
    await server.write(bytesOf('HTTP/1.1 200 OK\r\n'));
    expect(text(await client.read())).toBe('HTTP/1.1 200 OK\r\n');
    expect(client.stats).toEqual({ bytesRead: 17, bytesWritten: 18 });
  });

  it('resolves a pending read when the other end writes', async () => {
    const [client, server] = InMemoryTransport.pair();
    const read = server.read();
    expect(await isPending(read)).toBe(true);
    await client.write(bytesOf('late'));
    expect(text(await read)).toBe('late');
  });

  it('can report secure and another address', () => {
    const [client] = InMemoryTransport.pair({ secure: true, remoteAddress: 'fake.test' });
    expect(client.secure).toBe(true);
    expect(client.remoteAddress).toBe('fake.test');
  });

  it('copies written bytes', async () => {
    const [client, server] = InMemoryTransport.pair();
    const buffer = bytesOf('abc');
    await client.write(buffer);
    buffer.fill(0);
    expect(text(await server.read())).toBe('abc');
  });

  it('ignores empty writes', async () => {
    const [client, server] = InMemoryTransport.pair();
    await client.write(new Uint8Array(0));
    await client.write(bytesOf('x'));
    await client.close();
    expect(await readChunks(server)).toEqual(['x']);
  });
});

describe('splits', () => {
  it("'bytes' delivers one byte per read", async () => {
    const [client, server] = InMemoryTransport.pair({ split: 'bytes' });
    await client.write(bytesOf('abc'));
    await server.write(bytesOf('de'));
    await client.close();
    expect(await readChunks(server)).toEqual(['a', 'b', 'c']);
    expect(await readChunks(client)).toEqual([]); // closed: its queue is dropped
  });

  it('a number delivers chunks of at most that size, never merging writes', async () => {
    const [client, server] = InMemoryTransport.pair({ split: 3 });
    await client.write(bytesOf('abcdefgh'));
    await client.write(bytesOf('ij'));
    await client.end();
    expect(await readChunks(server)).toEqual(['abc', 'def', 'gh', 'ij']);
  });

  it('a function cuts each write as it says', async () => {
    const atLineEnds = (bytes: Uint8Array): Uint8Array[] => {
      const out: Uint8Array[] = [];
      let start = 0;
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] === 0x0a) {
          out.push(bytes.subarray(start, i + 1));
          start = i + 1;
        }
      }
      out.push(bytes.subarray(start));
      return out;
    };
    const [client, server] = InMemoryTransport.pair({ split: atLineEnds });
    await server.write(bytesOf('HTTP/1.1 200 OK\r\nA: 1\r\n\r\nbody'));
    await server.end();
    expect(await readChunks(client)).toEqual(['HTTP/1.1 200 OK\r\n', 'A: 1\r\n', '\r\n', 'body']);
  });

  it('setReadSplit changes one end only', async () => {
    const [client, server] = InMemoryTransport.pair();
    client.setReadSplit('bytes');
    await client.write(bytesOf('to server'));
    await server.write(bytesOf('hi'));
    await server.end();
    await client.end();
    expect(await readChunks(server)).toEqual(['to server']);
    expect(await readChunks(client)).toEqual(['h', 'i']);
  });

  it('refuses a function whose pieces do not join back to the input, and bad sizes', async () => {
    const [client] = InMemoryTransport.pair({ split: () => [bytesOf('other')] });
    await expect(client.write(bytesOf('bytes'))).rejects.toBeInstanceOf(UsageError);
    expect(() => splitBytes(bytesOf('abc'), 0)).toThrow(UsageError);
    expect(() => InMemoryTransport.pair()[0].setReadSplit(1.5)).toThrow(UsageError);
    expect(splitBytes(bytesOf('abc'), (b) => [b.subarray(0, 1), new Uint8Array(0), b.subarray(1)]).map(text)).toEqual(['a', 'bc']);
  });
});

describe('close semantics', () => {
  it('the peer reads what was queued, then null; writes then fail with typed errors', async () => {
    const [client, server] = InMemoryTransport.pair();
    await client.write(bytesOf('one'));
    await client.write(bytesOf('two'));
    await client.close();
    await client.close(); // idempotent
    expect(client.isClosed).toBe(true);
    expect(await readChunks(server)).toEqual(['one', 'two']);
    expect(await server.read()).toBeNull();

    const own = await client.write(bytesOf('x')).catch((e: unknown) => e);
    expect(own).toBeInstanceOf(TransportError);
    expect((own as TransportError).code).toBe('ERR_TRANSPORT_CLOSED');
    const peer = await server.write(bytesOf('x')).catch((e: unknown) => e);
    expect(peer).toBeInstanceOf(TransportError);
    expect((peer as TransportError).code).toBe('ERR_CONNECTION_RESET');
  });

  it('close resolves a pending read on both ends with null', async () => {
    const [client, server] = InMemoryTransport.pair();
    const own = client.read();
    const peer = server.read();
    await client.close();
    expect(await own).toBeNull();
    expect(await peer).toBeNull();
  });

  it('end() half-closes: the peer reads null, but can still answer', async () => {
    const [client, server] = InMemoryTransport.pair();
    await client.write(bytesOf('request'));
    await client.end();
    await expect(client.write(bytesOf('more'))).rejects.toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
    expect(text(await server.readAll())).toBe('request');
    await server.write(bytesOf('response'));
    await server.close();
    expect(text(await client.readAll())).toBe('response');
  });
});

describe('InMemoryTransport.factory', () => {
  it('hands each server end to the handler and returns the client end', async () => {
    const urls: string[] = [];
    const factory = InMemoryTransport.factory(async (server, url) => {
      urls.push(url.href);
      const request = text(await server.read())!;
      await server.write(bytesOf(`echo ${request}`));
      await server.close();
    });
    for (const path of ['a', 'b']) {
      const client = await factory.open(new URL(`http://fake.test/${path}`), {});
      await client.write(bytesOf(path));
      expect(await readChunks(client)).toEqual([`echo ${path}`]);
      await client.close();
    }
    await factory.settled();
    expect(urls).toEqual(['http://fake.test/a', 'http://fake.test/b']);
    expect(factory.opened).toBe(2);
    expect(factory.errors).toEqual([]);
  });

  it('closes the server end when the handler fails, keeping the error', async () => {
    const boom = new Error('handler failed');
    const factory = InMemoryTransport.factory(async (server) => {
      await server.read();
      throw boom;
    });
    const client = await factory.open(new URL('http://fake.test/'), {});
    await client.write(bytesOf('hi'));
    expect(await client.read()).toBeNull();
    await factory.settled();
    expect(factory.errors).toEqual([boom]);
  });

  it('rejects an aborted open', async () => {
    const factory = InMemoryTransport.factory(() => {});
    const controller = new AbortController();
    controller.abort('stop');
    await expect(factory.open(new URL('http://fake.test/'), { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    expect(factory.opened).toBe(0);
  });
});

describe('record and replay', () => {
  let server: http.Server;
  let base: string;
  const body = 'x'.repeat(100_000) + '\u00e9\u0000\u00ff end';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.setHeader('content-type', 'text/plain; charset=latin1');
      res.setHeader('date', 'Thu, 01 Jan 1970 00:00:00 GMT');
      res.end(Buffer.from(`${req.method} ${req.url}\n${body}`, 'latin1'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const request = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: ${base.slice(7)}\r\nConnection: close\r\n\r\n`;

  /** A real GET over NodeTcp, recorded: the request in two writes, then every read until the end. */
  async function recordGet(encoding?: 'latin1' | 'base64'): Promise<{ cassette: Cassette; chunks: string[] }> {
    const url = new URL(`${base}/hello`);
    const recorder = new RecordingTransport(await new NodeTcp().open(url, {}), { url, encoding });
    const head = request('/hello');
    await recorder.write(bytesOf(head.slice(0, 10)));
    await recorder.write(bytesOf(head.slice(10)));
    const chunks = await readChunks(recorder);
    await recorder.close();
    return { cassette: recorder.cassette(), chunks };
  }

  it('records the exact bytes both ways, with read boundaries and the end', async () => {
    const { cassette, chunks } = await recordGet();
    expect(cassette).toMatchObject({ format: 'io-http-cassette', version: 1, encoding: 'latin1', url: `${base}/hello`, secure: false, remoteAddress: '127.0.0.1' });
    const types = cassette.events.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(['write', 'write']);
    expect(types.slice(-2)).toEqual(['end', 'close']);
    const reads = cassette.events.filter((e) => e.type === 'read').map((e) => (e as { data: string }).data);
    expect(reads).toEqual(chunks);
    const response = chunks.join('');
    expect(response.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(response.endsWith(`GET /hello\n${body}`)).toBe(true);
  });

  it('replays the recorded reads, boundaries included, comparing the written stream not the calls', async () => {
    const { cassette, chunks } = await recordGet();
    const replay = new ReplayTransport(cassette);
    expect(replay.secure).toBe(false);
    expect(replay.remoteAddress).toBe('127.0.0.1');
    // The same request, written one byte at a time.
    for (const byte of bytesOf(request('/hello'))) await replay.write(Uint8Array.of(byte));
    expect(await readChunks(replay)).toEqual(chunks);
    expect(await replay.read()).toBeNull(); // past the cassette
    expect(replay.progress.done).toBe(true);
    await replay.close();
  });

  it('rejects a mismatching write with ERR_REPLAY_MISMATCH, the offset and escaped excerpts', async () => {
    const { cassette } = await recordGet();
    const replay = new ReplayTransport(cassette);
    await replay.write(bytesOf('GET /'));
    const pendingRead = replay.read();
    const error = await replay.write(bytesOf('other HTTP/1.1\r\n')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayMismatchError);
    expect(error).toBeInstanceOf(TransportError);
    const e = error as ReplayMismatchError;
    expect(e.code).toBe('ERR_REPLAY_MISMATCH');
    expect(e.offset).toBe(5);
    expect(e.expected).toContain('GET /⟨h⟩ello HTTP/1.1\\r\\n');
    expect(e.actual).toContain('GET /⟨o⟩ther HTTP/1.1\\r\\n');
    expect(e.message).toContain('byte 5');
    // Everything after a mismatch fails with it, including the read that was waiting.
    await expect(pendingRead).rejects.toBe(e);
    await expect(replay.read()).rejects.toBe(e);
    await expect(replay.write(bytesOf('x'))).rejects.toBe(e);
  });

  it('rejects bytes past the recorded writes', async () => {
    const { cassette } = await recordGet();
    const replay = new ReplayTransport(cassette);
    const head = request('/hello');
    const error = await replay.write(bytesOf(head + 'extra')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_REPLAY_MISMATCH', offset: head.length, expected: expect.stringContaining('⟨end⟩') });
    expect((error as Error).message).toContain('past the end');
  });

  it('gives a reply only once the writes before it in the recording were made', async () => {
    const { cassette, chunks } = await recordGet();
    const replay = new ReplayTransport(cassette);
    const head = request('/hello');
    const read = replay.read();
    expect(await isPending(read)).toBe(true);
    await replay.write(bytesOf(head.slice(0, 20)));
    expect(await isPending(read)).toBe(true);
    await replay.write(bytesOf(head.slice(20)));
    expect(text(await read)).toBe(chunks[0]);
  });

  it('survives a JSON round-trip, in latin1 and in base64', async () => {
    for (const encoding of ['latin1', 'base64'] as const) {
      const { cassette, chunks } = await recordGet(encoding);
      expect(cassette.encoding).toBe(encoding);
      const parsed = JSON.parse(JSON.stringify(cassette)) as Cassette;
      expect(parsed).toEqual(cassette);
      const replay = new ReplayTransport(parsed);
      await replay.write(bytesOf(request('/hello')));
      expect(await readChunks(replay)).toEqual(chunks);
    }
  });

  it('records through a factory and replays through a factory', async () => {
    const reported: Array<{ cassette: Cassette; url: string }> = [];
    const recording = RecordingTransport.factory(new NodeTcp(), (cassette, url) => reported.push({ cassette, url: url.href }));
    const responses: string[] = [];
    for (const path of ['/one', '/two']) {
      const transport = await recording.open(new URL(`${base}${path}`), {});
      await transport.write(bytesOf(request(path)));
      responses.push((await readChunks(transport)).join(''));
      await transport.close();
      await transport.close();
    }
    expect(reported.map((r) => r.url)).toEqual([`${base}/one`, `${base}/two`]);
    expect(recording.cassettes()).toEqual(reported.map((r) => r.cassette));

    const replay = ReplayTransport.factory(JSON.parse(JSON.stringify(recording.cassettes())) as Cassette[]);
    for (const [i, path] of ['/one', '/two'].entries()) {
      const transport = await replay.open(new URL(`${base}${path}`), {});
      await transport.write(bytesOf(request(path)));
      expect((await readChunks(transport)).join('')).toBe(responses[i]);
      await transport.close();
    }
    expect(replay.done).toBe(true);
    await expect(replay.open(new URL(`${base}/three`), {})).rejects.toMatchObject({ code: 'ERR_REPLAY_EXHAUSTED' });
  });

  it('checks the origin a cassette was recorded for, unless told not to', async () => {
    const { cassette } = await recordGet();
    await expect(ReplayTransport.factory(cassette).open(new URL('http://elsewhere.test/hello'), {})).rejects.toMatchObject({
      code: 'ERR_REPLAY_MISMATCH',
    });
    const lax = ReplayTransport.factory(cassette, { checkOrigin: false });
    await expect(lax.open(new URL('http://elsewhere.test/hello'), {})).resolves.toBeInstanceOf(ReplayTransport);
  });

  it('a write after close rejects with ERR_TRANSPORT_CLOSED; close resolves a waiting read with null', async () => {
    const { cassette } = await recordGet();
    const replay = new ReplayTransport(cassette);
    const read = replay.read();
    await replay.close();
    expect(await read).toBeNull();
    await expect(replay.write(bytesOf('GET'))).rejects.toMatchObject({ code: 'ERR_TRANSPORT_CLOSED' });
  });
});

describe('cassettes of in-memory exchanges', () => {
  it('record and replay binary bytes and read errors', async () => {
    const [client, server] = InMemoryTransport.pair();
    const failing: Transport = {
      secure: true,
      read: async () => {
        const chunk = await client.read();
        if (chunk === null) throw new TransportError('connection reset by test', { code: 'ERR_CONNECTION_RESET' });
        return chunk;
      },
      write: (bytes) => client.write(bytes),
      close: () => client.close(),
    };
    const recorder = new RecordingTransport(failing, { encoding: 'base64' });
    const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
    await recorder.write(binary);
    expect(await server.read()).toEqual(binary);
    await server.write(binary.slice().reverse());
    await server.close();
    expect(await recorder.read()).toEqual(binary.slice().reverse());
    await expect(recorder.read()).rejects.toMatchObject({ code: 'ERR_CONNECTION_RESET' });

    const cassette = JSON.parse(JSON.stringify(recorder.cassette())) as Cassette;
    expect(cassette.secure).toBe(true);
    expect(cassette.events.map((e) => e.type)).toEqual(['write', 'read', 'error']);
    const replay = new ReplayTransport(cassette);
    expect(replay.secure).toBe(true);
    await replay.write(binary.subarray(0, 100));
    await replay.write(binary.subarray(100));
    expect(await replay.read()).toEqual(binary.slice().reverse());
    const error = await replay.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('ERR_CONNECTION_RESET');
    expect((error as TransportError).message).toContain('connection reset by test');
  });

  it('refuses what is not a cassette', () => {
    expect(() => checkCassette(null)).toThrow(UsageError);
    expect(() => new ReplayTransport({ format: 'io-http-cassette', version: 2 } as unknown as Cassette)).toThrow(/version 2/);
    expect(() => checkCassette({ format: 'io-http-cassette', version: 1, encoding: 'latin1', secure: false, events: [{ type: 'read' }] })).toThrow(
      expect.objectContaining({ code: 'ERR_CASSETTE' }),
    );
    expect(() =>
      new ReplayTransport({ format: 'io-http-cassette', version: 1, encoding: 'latin1', secure: false, events: [{ type: 'read', data: '\u0100' }] }),
    ).toThrow(/U\+100/);
  });
});
