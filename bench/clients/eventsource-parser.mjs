// eventsource-parser alone (no HTTP), for the parser-only SSE case: bytes decoded by a streaming TextDecoder,
// as its own EventSourceParserStream does, then fed to the parser.
import { createParser } from 'eventsource-parser';

export function open() {
  return { close: async () => {} };
}

/** Events parsed from `pieces` (the stream's bytes as reads would bring them). */
export function parse(_ctx, pieces) {
  let n = 0;
  const parser = createParser({ onEvent: () => n++ });
  const decoder = new TextDecoder();
  for (const piece of pieces) parser.feed(decoder.decode(piece, { stream: true }));
  return n;
}
