import { UsageError } from '../message/errors';

/** The input that says the peer closed the stream. */
export const EOF: unique symbol = Symbol.for('io-http.EOF');
/** The type of {@link EOF}. */
export type EndOfInput = typeof EOF;

/**
 * What `resume` takes: `undefined` to start, after a write, or to take the next yield; bytes read
 * (an empty array is just no data); or `EOF` when the peer closed.
 */
export type Input = Uint8Array | EndOfInput | undefined;

/** Write these bytes to the peer, then resume with `undefined`. */
export interface WriteYield {
  /** Always `'write'`. */
  type: 'write';
  /** The bytes to write, all of them, before resuming. */
  bytes: Uint8Array;
}

/** Read from the peer, then resume with the bytes (or `EOF`). */
export interface ReadYield {
  /** Always `'read'`. */
  type: 'read';
}

/** One step of a protocol: shaped like an iterator result. */
export type Step<Y, R> =
  | {
      /** `false`: the protocol yields and waits to be resumed. */
      done: false;
      /** What the caller must do before resuming (write, read, ...). */
      value: Y;
    }
  | {
      /** `true`: the protocol completed and is spent. */
      done: true;
      /** The protocol's result. */
      value: R;
    };

/** The step that asks for more bytes: one frozen object, as it is taken at every read. */
export const READ: { readonly done: false; readonly value: ReadYield } = Object.freeze({
  done: false,
  value: Object.freeze({ type: 'read' }),
});

/**
 * An I/O-free state machine. The caller does the I/O each yield asks for and resumes it with what it got.
 * After completion or an error, the protocol is spent: resuming it again is a usage error.
 */
export abstract class Protocol<Y, R> {
  private finished: 'completed' | 'failed' | undefined;

  /**
   * Advances the protocol with `input` (see {@link Input}) and returns what to do next or the result. Throws the
   * protocol's errors (ParseError, LimitError, IncompleteMessageError, ...), after which it is spent; a spent
   * protocol throws UsageError `'ERR_PROTOCOL_FINISHED'`, and an input of another type `'ERR_INVALID_INPUT'`.
   */
  resume(input?: Input): Step<Y, R> {
    if (this.finished !== undefined) {
      throw new UsageError(`${this.constructor.name} has already ${this.finished}; start a new one`, 'ERR_PROTOCOL_FINISHED');
    }
    if (input !== undefined && input !== EOF && !(input instanceof Uint8Array)) {
      throw new UsageError('resume() takes undefined, a Uint8Array or EOF', 'ERR_INVALID_INPUT');
    }
    // A Uint8Array subclass (Node's) has a slower subarray(): the same bytes as a plain view, no copy.
    if (input instanceof Uint8Array && input.constructor !== Uint8Array) {
      input = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    }
    try {
      const step = this.advance(input);
      if (step.done) this.finished = 'completed';
      return step;
    } catch (error) {
      this.finished = 'failed';
      throw error;
    }
  }

  /** One transition: take the input, return the next yield or the result. */
  protected abstract advance(input: Input): Step<Y, R>;
}
