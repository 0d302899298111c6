// node:http with a keep-alive Agent of `connections` sockets.
import http from 'node:http';
import { createParser } from 'eventsource-parser';

export function open(origin, connections) {
  const { hostname, port } = new URL(origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  return { agent, hostname, port, close: async () => agent.destroy() };
}

/** One GET; `onData(chunk)` sees each body piece; resolves with what `onEnd()` returns. */
function get({ agent, hostname, port }, path, onData, onEnd) {
  return new Promise((resolve, reject) => {
    const req = http.get({ hostname, port, path, agent }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
      res.on('data', onData);
      res.on('end', () => resolve(onEnd()));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** The whole body in memory (one contiguous buffer): its length. */
export function send(ctx, path) {
  const chunks = [];
  return get(
    ctx,
    path,
    (chunk) => chunks.push(chunk),
    () => (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).length,
  );
}

/** The body piece by piece, not kept: its length. */
export function stream(ctx, path) {
  let length = 0;
  return get(
    ctx,
    path,
    (chunk) => (length += chunk.length),
    () => length,
  );
}

/** Parsed events, by eventsource-parser over the decoded body. */
export function events(ctx, path) {
  let n = 0;
  const parser = createParser({ onEvent: () => n++ });
  const decoder = new TextDecoder();
  return get(
    ctx,
    path,
    (chunk) => parser.feed(decoder.decode(chunk, { stream: true })),
    () => n,
  );
}
