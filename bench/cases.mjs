// The end-to-end cases: what each one asks of which clients. A case runs one workload function of each client
// module in bench/clients/ (`send`, `stream`, `events`, `parse`) against one path of bench/server.mjs, with
// `connections` requests in flight. Every result is checked against `expect` (body bytes or events).
import { MIB, SMALL_LENGTH, SSE_EVENTS, sseText } from './responses.mjs';

const HTTP_PEERS = ['undici-dispatch', 'undici-request', 'node-http'];

/** What one operation is worth: `perOp` units named `unit` (throughput is units/s, CPU time per unit). */
const REQUESTS = { unit: 'req', perOp: 1 };
const MEBIBYTES = { unit: 'MiB', perOp: 1 };
const EVENTS = { unit: 'event', perOp: SSE_EVENTS };

export const CASES = [
  { id: 'small-1', title: 'small GET, 1 connection', path: '/small', connections: 1, api: 'send', expect: SMALL_LENGTH, ...REQUESTS },
  { id: 'small-16', title: 'small GET, 16 connections', path: '/small', connections: 16, api: 'send', expect: SMALL_LENGTH, ...REQUESTS },
  { id: 'headers50-1', title: '50 header fields, 1 connection', path: '/headers50', connections: 1, api: 'send', expect: SMALL_LENGTH, ...REQUESTS },
  { id: 'headers50-16', title: '50 header fields, 16 connections', path: '/headers50', connections: 16, api: 'send', expect: SMALL_LENGTH, ...REQUESTS },
  { id: 'length-send', title: '1 MiB Content-Length, send()', path: '/large', connections: 1, api: 'send', expect: MIB, ...MEBIBYTES },
  { id: 'chunk1k-send', title: '1 MiB in 1 KiB chunks, send()', path: '/chunked1k', connections: 1, api: 'send', expect: MIB, ...MEBIBYTES },
  { id: 'chunk1k-stream', title: '1 MiB in 1 KiB chunks, stream()', path: '/chunked1k', connections: 1, api: 'stream', expect: MIB, ...MEBIBYTES },
  { id: 'chunk64k-send', title: '1 MiB in 64 KiB chunks, send()', path: '/chunked64k', connections: 1, api: 'send', expect: MIB, ...MEBIBYTES },
  { id: 'sse', title: `SSE, ${SSE_EVENTS / 1000}k events of ~100 B, parsed`, path: '/sse', connections: 1, api: 'events', expect: SSE_EVENTS, ...EVENTS },
  { id: 'sse-parse', title: `SSE parser only, ${SSE_EVENTS / 1000}k events in 64 KiB pieces`, connections: 1, api: 'parse', expect: SSE_EVENTS, ...EVENTS, clients: ['io-http', 'eventsource-parser'] },
].map((c) => ({ clients: ['io-http', ...HTTP_PEERS], ...c }));

/** The argument of the workload function after the client's context: the path, or the parser's input. */
export function argumentOf(c) {
  if (c.api !== 'parse') return c.path;
  const bytes = sseText();
  const pieces = [];
  for (let at = 0; at < bytes.length; at += 64 * 1024) pieces.push(bytes.subarray(at, at + 64 * 1024));
  return pieces;
}

/** How a client is called in the tables: what it is in this case. */
export function label(client, c) {
  const dispatcher = c.connections > 1 ? 'Pool' : 'Client';
  const name = {
    'io-http': c.api === 'parse' ? 'io-http SseParser' : `io-http Session.${c.api}()`,
    'undici-dispatch': `undici ${dispatcher}.dispatch`,
    'undici-request': `undici ${dispatcher}.request`,
    'node-http': `node:http Agent(${c.connections})`,
    'eventsource-parser': 'eventsource-parser',
  }[client];
  return c.api === 'events' && client !== 'io-http' ? `${name} + eventsource-parser` : name;
}
