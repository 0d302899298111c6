import { utf8 } from './bytes';

/** A streamed request body from pieces (strings as UTF-8), one piece per iteration. */
export async function* pieces(...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? utf8(part) : part;
}
