import { IncompleteMessageError, LimitError } from '../message/errors';
import type { Headers } from '../message/headers';
import { ChunkedDecoder } from './chunked-decoder';
import type { Framing } from './framing';
import type { HttpLimits, Leniency } from './limits';
import { EOF } from './protocol';
import type { ReceiveBuffer } from './receive-buffer';

/** The body has ended; `trailers` are those of a chunked body. */
export interface BodyEnd {
  trailers: Headers | undefined;
}

const END: BodyEnd = { trailers: undefined };

/**
 * Reads one response body in one framing: each call gives a piece of body (a view of the input, not a copy),
 * the end, or `undefined` when more bytes are needed. End of input where the framing does not allow it throws.
 */
export interface BodyReader {
  read(input: ReceiveBuffer): Uint8Array | BodyEnd | undefined;
}

/** No body (a response to HEAD; 1xx, 204, 304). */
class NoBodyReader implements BodyReader {
  read(): BodyEnd {
    return END;
  }
}

/** A body of Content-Length bytes. */
class LengthReader implements BodyReader {
  private remaining: number;

  constructor(private readonly length: number) {
    this.remaining = length;
  }

  read(input: ReceiveBuffer): Uint8Array | BodyEnd | undefined {
    if (this.remaining === 0) return END;
    if (input.available === 0) {
      if (!input.eof) return undefined;
      const got = this.length - this.remaining;
      throw new IncompleteMessageError('body', input.offset, `: ${got} of ${this.length} bytes received`);
    }
    const piece = input.takeAtMost(this.remaining);
    this.remaining -= piece.length;
    return piece;
  }
}

/** A body delimited by the peer closing: everything until EOF, up to the body limit. */
class UntilCloseReader implements BodyReader {
  private size = 0;

  constructor(private readonly maxBodySize: number) {}

  read(input: ReceiveBuffer): Uint8Array | BodyEnd | undefined {
    if (input.available === 0) return input.eof ? END : undefined;
    const piece = input.takeAtMost(input.available);
    this.size += piece.length;
    if (this.size > this.maxBodySize) {
      // The offset of the first byte over the limit.
      throw new LimitError('ERR_BODY_TOO_LARGE', 'Response body size', this.maxBodySize, input.offset - (this.size - this.maxBodySize), 413);
    }
    return piece;
  }
}

/** A chunked body: the decoder holds its own buffer (and enforces the body limit), so it is handed all input. */
class ChunkedReader implements BodyReader {
  private readonly decoder: ChunkedDecoder;

  constructor(offset: number, limits: HttpLimits, leniency: Leniency) {
    this.decoder = new ChunkedDecoder(Object.assign({ offset }, limits, leniency));
  }

  read(input: ReceiveBuffer): Uint8Array | BodyEnd | undefined {
    for (;;) {
      const fed = input.available > 0 ? input.takeAtMost(input.available) : input.eof ? EOF : undefined;
      const step = this.decoder.resume(fed);
      if (step.done) {
        input.giveBack(step.value.remaining);
        return { trailers: step.value.trailers };
      }
      if (step.value.type === 'data') return step.value.bytes;
      // The decoder asks for more: at EOF it is told so (and fails); otherwise wait for bytes.
      if (!input.eof) return undefined;
    }
  }
}

/** The reader for each framing, in one place (as h11's READERS table). */
export function bodyReader(framing: Framing, input: ReceiveBuffer, limits: HttpLimits, leniency: Leniency): BodyReader {
  switch (framing.kind) {
    case 'none':
      return new NoBodyReader();
    case 'length':
      if (framing.length > limits.maxBodySize) {
        throw new LimitError('ERR_BODY_TOO_LARGE', 'Response body size', limits.maxBodySize, input.offset, 413);
      }
      return new LengthReader(framing.length);
    case 'chunked':
      return new ChunkedReader(input.offset, limits, leniency);
    case 'close':
      return new UntilCloseReader(limits.maxBodySize);
  }
}
