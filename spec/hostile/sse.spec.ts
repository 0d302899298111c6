/**
 * Hostile event streams: a line without end (a data field, a comment) and an event without end (data lines
 * with no blank line to dispatch them). `maxLineLength` and `maxEventSize` (1 MiB each by default) end each
 * with a LimitError ERR_SSE_TOO_LARGE, after the events that came before, without reconnecting; the client
 * reads no further than the limit, and the connection is closed.
 */
import { LimitError, Session, type EventStreamOptions, type SseEvent } from '../../lib/index';
import { allClosed, countingTcp, flood, MemoryProbe, MiB, rejectionWithin, scriptedServer } from '../support/hostile';
import { closeServers } from '../support/servers';

afterEach(closeServers);

const EVENT_STREAM_HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n';

/**
 * Iterates the events of a server that sends the head and `prefix`, then `piece` without end. Returns the
 * error, the events before it, and the bytes the client read; checks that the one connection was closed.
 */
async function endlessStream(prefix: string, piece: string, options: EventStreamOptions, onRead?: (bytesRead: number) => void) {
  const server = await scriptedServer((socket) => flood(socket, EVENT_STREAM_HEAD + prefix, piece));
  const client = countingTcp(onRead);
  await using session = new Session(server.origin, { transport: client.factory });
  const events: SseEvent[] = [];
  const error = await rejectionWithin(
    (async () => {
      for await (const event of session.events(undefined, options)) events.push(event);
    })(),
    5000,
  );
  expect(error).toBeInstanceOf(LimitError);
  expect(error).toMatchObject({ code: 'ERR_SSE_TOO_LARGE', status: 413 });
  // A limit is not a reason to reconnect: the one connection, closed.
  expect(server.sockets).toHaveLength(1);
  await allClosed(server.sockets);
  return { error, events, bytesRead: client.bytesRead() };
}

describe('a line without end', () => {
  test('a data field, maxLineLength 64 KiB: ERR_SSE_TOO_LARGE at the 64 KiB of the line, after the event before it', async () => {
    const first = 'data: first\n\n';
    const { error, events, bytesRead } = await endlessStream(`${first}data: `, 'x'.repeat(1024), { maxLineLength: 64 * 1024 });
    expect(error).toMatchObject({ limit: 64 * 1024, offset: first.length + 64 * 1024 });
    expect(events.map((event) => event.data)).toEqual(['first']);
    expect(bytesRead).toBeLessThanOrEqual(EVENT_STREAM_HEAD.length + first.length + 128 * 1024);
  });

  test('a comment, with the default limits: ERR_SSE_TOO_LARGE at 1 MiB', async () => {
    const { error, bytesRead } = await endlessStream(': ', 'keep-alive '.repeat(100), {});
    expect(error).toMatchObject({ limit: MiB, offset: MiB });
    expect(bytesRead).toBeLessThanOrEqual(EVENT_STREAM_HEAD.length + MiB + 64 * 1024);
  });
});

describe('an event without end', () => {
  test('data lines never dispatched, maxEventSize 64 KiB: ERR_SSE_TOO_LARGE', async () => {
    const { error, events, bytesRead } = await endlessStream('', 'data: 0123456789abcdef\n', { maxEventSize: 64 * 1024 });
    expect(error).toMatchObject({ limit: 64 * 1024 });
    expect(events).toEqual([]);
    expect(bytesRead).toBeLessThanOrEqual(EVENT_STREAM_HEAD.length + 128 * 1024);
  });

  test('with the default limits: ERR_SSE_TOO_LARGE at 1 MiB of data, memory bounded', async () => {
    const probe = new MemoryProbe();
    const line = `data: ${'d'.repeat(1000)}\n`;
    const { error, bytesRead } = await endlessStream('', line, {}, probe.every(256 * 1024));
    expect(error).toMatchObject({ limit: MiB });
    // The line that went past the limit starts where the first MiB of data (each line counts its LF) ended.
    expect(error.offset).toBe(Math.floor(MiB / (line.length - 'data: '.length)) * line.length);
    expect(bytesRead).toBeLessThanOrEqual(EVENT_STREAM_HEAD.length + MiB + 128 * 1024);
    expect(probe.growth).toBeLessThan(8 * MiB);
  });
});
