// undici@7's `request` (a Readable body), on a Client (one connection) or a Pool.
import { Client, Pool } from 'undici';
import { createParser } from 'eventsource-parser';

export function open(origin, connections) {
  const dispatcher = connections > 1 ? new Pool(origin, { connections }) : new Client(origin);
  return { dispatcher, close: () => dispatcher.close() };
}

/** The whole body in memory: its length. */
export async function send({ dispatcher }, path) {
  const { body } = await dispatcher.request({ path, method: 'GET' });
  return (await body.arrayBuffer()).byteLength;
}

/** The body piece by piece, not kept: its length. */
export async function stream({ dispatcher }, path) {
  const { body } = await dispatcher.request({ path, method: 'GET' });
  let length = 0;
  for await (const chunk of body) length += chunk.length;
  return length;
}

/** Parsed events, by eventsource-parser over the decoded body. */
export async function events({ dispatcher }, path) {
  const { body } = await dispatcher.request({ path, method: 'GET' });
  let n = 0;
  const parser = createParser({ onEvent: () => n++ });
  const decoder = new TextDecoder();
  for await (const chunk of body) parser.feed(decoder.decode(chunk, { stream: true }));
  return n;
}
