// undici@7's lowest public API: `dispatch` with a handler (the new-style controller API, whose headers undici
// parses into an object of strings, as the other clients' are). A Client (one connection) or a Pool.
import { Client, Pool } from 'undici';
import { createParser } from 'eventsource-parser';

export function open(origin, connections) {
  const dispatcher = connections > 1 ? new Pool(origin, { connections }) : new Client(origin);
  return { dispatcher, close: () => dispatcher.close() };
}

/** One GET; `onData(chunk)` sees each body piece; resolves with what `onEnd()` returns. */
function get(dispatcher, path, onData, onEnd) {
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(
      { path, method: 'GET' },
      {
        onRequestStart() {},
        onResponseStart(_controller, status) {
          if (status !== 200) reject(new Error(`status ${status}`));
        },
        onResponseData: (_controller, chunk) => onData(chunk),
        onResponseEnd: () => resolve(onEnd()),
        onResponseError: (_controller, error) => reject(error),
      },
    );
  });
}

/** The whole body in memory (one contiguous buffer): its length. */
export function send({ dispatcher }, path) {
  const chunks = [];
  return get(
    dispatcher,
    path,
    (chunk) => chunks.push(chunk),
    () => (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).length,
  );
}

/** The body piece by piece, not kept: its length. */
export function stream({ dispatcher }, path) {
  let length = 0;
  return get(
    dispatcher,
    path,
    (chunk) => (length += chunk.length),
    () => length,
  );
}

/** Parsed events, by eventsource-parser over the decoded body. */
export function events({ dispatcher }, path) {
  let n = 0;
  const parser = createParser({ onEvent: () => n++ });
  const decoder = new TextDecoder();
  return get(
    dispatcher,
    path,
    (chunk) => parser.feed(decoder.decode(chunk, { stream: true })),
    () => n,
  );
}
