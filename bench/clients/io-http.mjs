// io-http through its public Session API, from the built dist/ (index.mjs registers the Node transports).
// One function per workload, so that a faster API is a one-line switch here.
import { importDist } from '../harness.mjs';

const { Session } = await importDist('index.mjs');
const { SseParser } = await importDist('core.mjs');

/** One Session: its pool opens as many connections as there are requests in flight, up to `connections`. */
export function open(origin, connections) {
  const session = new Session(origin, { connections });
  return { session, close: () => session.close() };
}

/** The whole body in memory: its length. */
export async function send({ session }, path) {
  return (await session.send({ path })).body.length;
}

/** The body as it comes, piece by piece, not kept: its length. */
export async function stream({ session }, path) {
  const response = await session.stream({ path });
  let length = 0;
  for await (const piece of response.body) length += piece.length;
  return length;
}

/**
 * Parsed events, to the end of the stream: with `maxReconnects: 0` the iteration ends there (no reconnection)
 * and the connection is kept for the next request, as the other clients' is.
 */
export async function events({ session }, path) {
  let n = 0;
  for await (const _event of session.events({ path }, { maxReconnects: 0 })) n++;
  return n;
}

/** The parser alone: events parsed from `pieces` (the stream's bytes as reads would bring them). */
export function parse(_ctx, pieces) {
  const parser = new SseParser();
  let n = 0;
  for (const piece of pieces) {
    let step = parser.resume(piece);
    while (!step.done && step.value.type === 'event') {
      n++;
      step = parser.resume(undefined);
    }
  }
  return n;
}
