/**
 * Where a response body goes: stdout, a file (`-o`), or memory until its turn comes (`--parallel` to stdout,
 * so that bodies never interleave). Writes wait for the stream to drain; a write that fails is CliError exit 23.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { CliError, EXIT } from './exit-codes';

export interface Sink {
  /** Whether this is a file (a progress bar is shown only for files). */
  readonly isFile: boolean;
  write(bytes: Uint8Array | string): Promise<void>;
  /** Flushes and, for a file, closes it. */
  end(): Promise<void>;
}

/** Writes to a Node stream with backpressure; `close` ends the stream (files), otherwise it is left open (stdout). */
class StreamSink implements Sink {
  private failure: Error | undefined;

  constructor(
    private readonly stream: Writable,
    private readonly name: string,
    readonly isFile: boolean,
  ) {
    stream.on('error', (error) => (this.failure ??= error));
  }

  async write(bytes: Uint8Array | string): Promise<void> {
    this.check();
    if (!this.stream.write(bytes)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('error', done);
          this.stream.off('close', done);
          resolve();
        };
        this.stream.on('drain', done).on('error', done).on('close', done);
      });
    }
    this.check();
  }

  async end(): Promise<void> {
    if (this.isFile) {
      await new Promise<void>((resolve) => this.stream.end(resolve));
    }
    this.check();
  }

  private check(): void {
    if (this.failure) throw new CliError(EXIT.write, `Could not write to ${this.name}: ${this.failure.message}`, this.isFile ? 'Check the path and free space.' : undefined);
  }
}

/** stdout. */
export function stdoutSink(): Sink {
  return new StreamSink(process.stdout, 'stdout', false);
}

/** A new file at `path` (truncated if it exists); opening errors surface at the first write or at `end()`. */
export function fileSink(path: string): Sink {
  return new StreamSink(createWriteStream(path), path, true);
}

/** Keeps everything in memory; `flushTo` writes it out later. */
export class BufferSink implements Sink {
  readonly isFile = false;
  private readonly pieces: Array<Uint8Array | string> = [];

  async write(bytes: Uint8Array | string): Promise<void> {
    this.pieces.push(bytes);
  }

  async end(): Promise<void> {}

  async flushTo(sink: Sink): Promise<void> {
    for (const piece of this.pieces.splice(0)) await sink.write(piece);
  }
}
