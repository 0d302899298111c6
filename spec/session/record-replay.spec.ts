/**
 * Record a real Session exchange over NodeTcp into a cassette, then replay it (no server, no I/O) with a new
 * Session: same responses, byte for byte; a request that differs from the recording fails typed.
 */
import { checkCassette, type Cassette } from '../../adapters/cassette';
import { NodeTcp } from '../../adapters/node-tcp';
import { RecordingTransport } from '../../adapters/recording';
import { ReplayMismatchError, ReplayTransport } from '../../adapters/replay';
import { TransportError } from '../../lib/message/errors';
import type { SessionResponse } from '../../lib/session/session-response';
import { Session } from '../../lib/session/session';
import { rejection } from '../support/failures';
import { summarizeResponse } from '../support/http1';
import { bodyOf, closeServers, httpServer } from '../support/servers';
import { tick } from '../support/time';

afterEach(closeServers);

/** The parts of a response a replay must reproduce. */
function snapshot(response: SessionResponse) {
  return { ...summarizeResponse(response), url: response.url };
}

/** Two requests on one kept-alive connection: a Content-Length response, then a chunked one (with a trailer). */
async function scenario(session: Session): Promise<SessionResponse[]> {
  const plain = await session.send({ path: 'plain?x=1', headers: { 'X-Test': 'one' } });
  const chunked = await session.send({ method: 'POST', path: 'chunked', body: 'hello server', headers: { 'Content-Type': 'text/plain' } });
  return [plain, chunked];
}

interface Recorded {
  origin: string;
  json: string;
  responses: SessionResponse[];
  connections: number;
}

/** Runs `scenario` against a real node:http server through a RecordingTransport; the server is closed after. */
async function record(): Promise<Recorded> {
  const server = await httpServer(async (req, res) => {
    const body = await bodyOf(req);
    if (req.url === '/base/chunked') {
      res.setHeader('content-type', 'text/plain');
      res.setHeader('trailer', 'x-checksum');
      res.write(`got ${body.length} bytes;`);
      // Separate writes a little apart: separate chunks, most likely separate reads.
      await tick(10);
      res.write('second chunk;');
      await tick(10);
      res.addTrailers({ 'x-checksum': 'abc' });
      res.end('last');
    } else {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, test: req.headers['x-test'] }));
    }
  });
  const cassettes: Cassette[] = [];
  const factory = RecordingTransport.factory(new NodeTcp(), (cassette, url) => {
    expect(url.origin).toBe(server.origin);
    cassettes.push(cassette);
  });
  const session = new Session(`${server.origin}/base/`, { transport: factory });
  const responses = await scenario(session);
  expect(cassettes).toHaveLength(0); // the connection is kept alive until the session closes
  await session.close();
  expect(cassettes).toHaveLength(1);
  expect(factory.recordings).toHaveLength(1);
  const connections = server.sockets.length;
  await closeServers(); // the server is gone before the replay
  return { origin: server.origin, json: JSON.stringify(cassettes), responses, connections };
}

describe('record a real exchange, replay it', () => {
  test('the cassette: one connection, plain JSON, two requests written, the chunked body read', async () => {
    const { json, connections, responses } = await record();
    expect(connections).toBe(1);
    expect(responses[1]!.headers.get('transfer-encoding')).toBe('chunked');
    const [cassette] = JSON.parse(json) as Cassette[];
    expect(checkCassette(cassette)).toBe(cassette);
    expect(cassette).toMatchObject({ format: 'io-http-cassette', version: 1, encoding: 'latin1', secure: false, remoteAddress: '127.0.0.1' });
    const writes = cassette!.events.filter((e) => e.type === 'write').map((e) => (e as { data: string }).data).join('');
    expect(writes.startsWith('GET /base/plain?x=1 HTTP/1.1\r\n')).toBe(true);
    expect(writes).toContain('\r\n\r\nPOST /base/chunked HTTP/1.1\r\n');
    expect(writes.endsWith('\r\n\r\nhello server')).toBe(true);
    const reads = cassette!.events.filter((e) => e.type === 'read').map((e) => (e as { data: string }).data).join('');
    expect(reads).toContain('Transfer-Encoding: chunked\r\n');
    expect(reads.endsWith('0\r\nx-checksum: abc\r\n\r\n')).toBe(true);
    expect(cassette!.events.at(-1)).toEqual({ type: 'close' });
    expect(cassette!.events.some((e) => e.type === 'end')).toBe(false);
  });

  test('a new Session over ReplayTransport gets identical responses (status, headers, body, trailers)', async () => {
    const { origin, json, responses } = await record();
    const factory = ReplayTransport.factory(JSON.parse(json) as Cassette[]);
    await using session = new Session(`${origin}/base/`, { transport: factory });
    const replayed = await scenario(session);
    expect(replayed.map(snapshot)).toEqual(responses.map(snapshot));
    expect(replayed[0]!.json()).toEqual({ method: 'GET', url: '/base/plain?x=1', test: 'one' });
    expect(replayed[1]!.text()).toBe('got 12 bytes;second chunk;last');
    expect(replayed[1]!.trailers.get('x-checksum')).toBe('abc');
    expect(replayed[1]!.timings.connect).toBeUndefined(); // the replayed connection was reused too
    expect(factory.transports).toHaveLength(1);
    expect(factory.done).toBe(true);
  });

  test('replayed with stream(): the recorded body comes back with the same bytes', async () => {
    const { origin, json, responses } = await record();
    await using session = new Session(`${origin}/base/`, { transport: ReplayTransport.factory(JSON.parse(json) as Cassette[]) });
    expect(snapshot(await session.send({ path: 'plain?x=1', headers: { 'X-Test': 'one' } }))).toEqual(snapshot(responses[0]!));
    const streamed = await session.stream({ method: 'POST', path: 'chunked', body: 'hello server', headers: { 'Content-Type': 'text/plain' } });
    expect(streamed.status).toBe(200);
    expect([...streamed.headers]).toEqual([...responses[1]!.headers]);
    expect(await streamed.text()).toBe(responses[1]!.text());
    expect([...streamed.trailers]).toEqual([...responses[1]!.trailers]);
  });

  describe('a request that differs from the recording', () => {
    test('the first request differs: ReplayMismatchError ERR_REPLAY_MISMATCH with the offset', async () => {
      const { origin, json } = await record();
      const factory = ReplayTransport.factory(JSON.parse(json) as Cassette[]);
      await using session = new Session(`${origin}/base/`, { transport: factory });
      const error = await rejection(session.send({ path: '/other' }));
      expect(error).toBeInstanceOf(ReplayMismatchError);
      expect(error).toBeInstanceOf(TransportError);
      expect(error.code).toBe('ERR_REPLAY_MISMATCH');
      expect((error as unknown as ReplayMismatchError).offset).toBe('GET /'.length);
      expect(error.message).toContain('expected GET /⟨b⟩ase/plain?x=1');
      expect(error.message).toContain('got GET /⟨o⟩ther');
      expect(factory.transports).toHaveLength(1);
    });

    test('the second request (on the kept-alive connection) differs: ERR_REPLAY_MISMATCH, not retried', async () => {
      const { origin, json } = await record();
      const factory = ReplayTransport.factory(JSON.parse(json) as Cassette[]);
      await using session = new Session(`${origin}/base/`, { transport: factory });
      expect((await session.send({ path: 'plain?x=1', headers: { 'X-Test': 'one' } })).status).toBe(200);
      const error = await rejection(session.send({ method: 'POST', path: 'chunked', body: 'hello client', headers: { 'Content-Type': 'text/plain' } }));
      expect(error).toBeInstanceOf(ReplayMismatchError);
      expect(error.code).toBe('ERR_REPLAY_MISMATCH');
    });

    test('an idempotent second request that differs is not retried either (it would hide the mismatch)', async () => {
      const { origin, json } = await record();
      const factory = ReplayTransport.factory(JSON.parse(json) as Cassette[]);
      await using session = new Session(`${origin}/base/`, { transport: factory });
      expect((await session.send({ path: 'plain?x=1', headers: { 'X-Test': 'one' } })).status).toBe(200);
      const error = await rejection(session.send({ path: '/different' }));
      expect(error).toBeInstanceOf(ReplayMismatchError);
      expect(error.code).toBe('ERR_REPLAY_MISMATCH');
      expect(factory.transports).toHaveLength(1);
    });

    test('another origin: the factory refuses to open (ERR_REPLAY_MISMATCH)', async () => {
      const { json } = await record();
      await using session = new Session('http://127.0.0.1:1/base/', { transport: ReplayTransport.factory(JSON.parse(json) as Cassette[]) });
      const error = await rejection(session.send({ path: 'plain?x=1', headers: { 'X-Test': 'one' } }));
      expect(error).toBeInstanceOf(TransportError);
      expect(error.code).toBe('ERR_REPLAY_MISMATCH');
    });
  });
});
