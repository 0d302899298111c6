/**
 * `ReplayTransport`: plays a cassette (cassette.ts) back deterministically, checking that the same bytes are
 * written as were recorded.
 */
import { concatBytes, excerpt } from '../lib/message/bytes';
import { AbortError, brand, TransportError, type TransportErrorCode } from '../lib/message/errors';
import type { Transport, TransportFactory, TransportOptions } from '../lib/transport/transport';
import { checkCassette, decodeBytes, type Cassette } from './cassette';

/** What was written differs from the recording. `offset` counts bytes from the start of the written stream. */
export class ReplayMismatchError extends TransportError {
  /** Always `'ERR_REPLAY_MISMATCH'`. */
  declare readonly code: 'ERR_REPLAY_MISMATCH';
  /** Byte offset in the written stream of the first byte that differs from the recording. */
  readonly offset: number;
  /** Escaped excerpt of the recorded bytes around `offset`. */
  readonly expected: string;
  /** Escaped excerpt of the written bytes around `offset`. */
  readonly actual: string;

  constructor(offset: number, expected: string, actual: string, detail = '') {
    super(`Replay mismatch at byte ${offset} of the written stream${detail}: expected ${expected}, got ${actual}`, { code: 'ERR_REPLAY_MISMATCH' });
    this.offset = offset;
    this.expected = expected;
    this.actual = actual;
  }
}
brand(ReplayMismatchError, 'ReplayMismatchError');

interface ReplayRead {
  /** null for the end of the stream. */
  chunk: Uint8Array | null;
  error?: { code: string; message: string };
  /** Bytes that had been written, in the recording, before this read returned. */
  after: number;
}

/**
 * Plays a cassette back. `read()` returns the recorded chunks with their boundaries, and `null` where the peer
 * ended the recorded stream; each only once the bytes written before it in the recording have been written here
 * too (until then the read waits). Past the last recorded read, a read returns `null` again if the recording
 * ended so; otherwise it waits until `close()`, as the recorded peer was silent then.
 * `write()` compares the written byte stream (not the call boundaries) with the recorded one and rejects with
 * `ReplayMismatchError` ('ERR_REPLAY_MISMATCH') at the first differing byte, or bytes past the recorded end;
 * after a mismatch every read and write rejects with it.
 */
export class ReplayTransport implements Transport {
  readonly secure: boolean;
  /** Each read is a copy of the recorded chunk. */
  readonly ownedReads = true;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  /** The cassette being played, as checked when the transport was made. */
  readonly cassette: Cassette;
  private readonly expected: Uint8Array;
  private readonly reads: ReplayRead[] = [];
  private nextRead = 0;
  private written = 0;
  private closed = false;
  private mismatch: ReplayMismatchError | undefined;
  private waiter: { resolve: (chunk: Uint8Array | null) => void; reject: (error: unknown) => void } | undefined;

  constructor(cassette: Cassette) {
    this.cassette = checkCassette(cassette);
    this.secure = cassette.secure ?? false;
    this.remoteAddress = cassette.remoteAddress;
    this.remotePort = cassette.remotePort;
    const writes: Uint8Array[] = [];
    let written = 0;
    for (const event of cassette.events) {
      if (event.type === 'write') {
        const bytes = decodeBytes(event.data, cassette.encoding);
        writes.push(bytes);
        written += bytes.length;
      } else if (event.type === 'read') {
        this.reads.push({ chunk: decodeBytes(event.data, cassette.encoding), after: written });
      } else if (event.type === 'end') {
        this.reads.push({ chunk: null, after: written });
      } else if (event.type === 'error') {
        this.reads.push({ chunk: null, error: { code: event.code, message: event.message }, after: written });
      }
    }
    this.expected = new Uint8Array(written);
    let offset = 0;
    for (const bytes of writes) {
      this.expected.set(bytes, offset);
      offset += bytes.length;
    }
  }

  /**
   * A factory that replays the cassettes in order, one per `open()`; opening more rejects with
   * 'ERR_REPLAY_EXHAUSTED'. Unless `checkOrigin` is false, a cassette that names a URL must be opened for the
   * same origin, or `open()` rejects with 'ERR_REPLAY_MISMATCH'.
   */
  static factory(cassettes: Cassette | Cassette[], options: { checkOrigin?: boolean } = {}): ReplayFactory {
    return new ReplayFactory(Array.isArray(cassettes) ? cassettes : [cassettes], options.checkOrigin ?? true);
  }

  /** Bytes written so far, and whether every recorded read and write has been played. */
  get progress(): {
    /** Bytes written so far. */
    written: number;
    /** Bytes the recording wrote in all. */
    expected: number;
    /** Recorded reads played so far. */
    reads: number;
    /** Reads in the recording. */
    recordedReads: number;
    /** Whether every recorded write and read has been played. */
    done: boolean;
  } {
    return {
      written: this.written,
      expected: this.expected.length,
      reads: this.nextRead,
      recordedReads: this.reads.length,
      done: this.written === this.expected.length && this.nextRead >= this.reads.length,
    };
  }

  read(): Promise<Uint8Array | null> {
    if (this.waiter) return Promise.reject(new TransportError('read() called while another read is pending', { code: 'ERR_CONCURRENT_READ' }));
    if (this.mismatch) return Promise.reject(this.mismatch);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.serveRead();
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.mismatch) return Promise.reject(this.mismatch);
    if (this.closed) {
      return Promise.reject(new TransportError('Cannot write to the replay transport: it is closed', { code: 'ERR_TRANSPORT_CLOSED' }));
    }
    const start = this.written;
    const expected = this.expected;
    for (let i = 0; i < bytes.length; i++) {
      if (start + i >= expected.length || bytes[i] !== expected[start + i]) {
        const offset = start + i;
        // The actual stream around `offset`: the matching recorded bytes before, then this write.
        const before = Math.max(0, start - 24);
        const actual = concatBytes(expected.subarray(before, start), bytes.subarray(0, Math.min(bytes.length, i + 24)));
        this.mismatch = new ReplayMismatchError(
          offset,
          excerpt(expected, offset),
          excerpt(actual, offset - before),
          start + i >= expected.length ? ' (past the end of the recorded writes)' : '',
        );
        this.written = offset;
        this.failWaiter(this.mismatch);
        return Promise.reject(this.mismatch);
      }
    }
    this.written += bytes.length;
    this.serveRead();
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter?.resolve(null);
    }
    return Promise.resolve();
  }

  private serveRead(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    if (this.closed) {
      this.waiter = undefined;
      waiter.resolve(null);
      return;
    }
    const next = this.reads[this.nextRead];
    if (!next) {
      // Past the recorded reads: after a recorded end, more ends; else the recorded peer was silent, and so is this.
      const last = this.reads.at(-1);
      if (last && last.chunk === null && !last.error) {
        this.waiter = undefined;
        waiter.resolve(null);
      }
      return;
    }
    if (this.written < next.after) return; // Waits for the writes that came first in the recording.
    this.waiter = undefined;
    this.nextRead++;
    // The code as the recorded transport reported it: a cassette may hold any (it is a file).
    if (next.error) waiter.reject(new TransportError(`Replayed: ${next.error.message}`, { code: next.error.code as TransportErrorCode }));
    else waiter.resolve(next.chunk ? next.chunk.slice() : null);
  }

  private failWaiter(error: unknown): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }
}

/** The factory of `ReplayTransport.factory()`. */
export class ReplayFactory implements TransportFactory {
  /** The transports opened so far, in order. */
  readonly transports: ReplayTransport[] = [];

  constructor(
    private readonly cassettes: Cassette[],
    private readonly checkOrigin: boolean,
  ) {}

  open(url: URL, options: TransportOptions = {}): Promise<Transport> {
    if (options.signal?.aborted) return Promise.reject(new AbortError(options.signal.reason));
    const cassette = this.cassettes[this.transports.length];
    if (!cassette) {
      return Promise.reject(
        new TransportError(`No cassette left to replay for ${url.href} (${this.cassettes.length} recorded)`, { code: 'ERR_REPLAY_EXHAUSTED' }),
      );
    }
    if (this.checkOrigin && cassette.url !== undefined && new URL(cassette.url).origin !== url.origin) {
      return Promise.reject(
        new TransportError(`Replay mismatch: cassette ${this.transports.length} was recorded for ${new URL(cassette.url).origin}, opened for ${url.origin}`, {
          code: 'ERR_REPLAY_MISMATCH',
        }),
      );
    }
    let transport: ReplayTransport;
    try {
      transport = new ReplayTransport(cassette);
    } catch (error) {
      return Promise.reject(error);
    }
    this.transports.push(transport);
    return Promise.resolve(transport);
  }

  /** True when every cassette was opened and played to its end. */
  get done(): boolean {
    return this.transports.length === this.cassettes.length && this.transports.every((t) => t.progress.done);
  }
}
