/**
 * A `Transport` as a Node `Duplex` stream, so that node:tls can run over it (`tls.connect({ socket })`): over a
 * proxy's CONNECT tunnel, or any transport that is not a socket. Reads are pulled one at a time, as the stream
 * asks for them (the transport's own backpressure holds); destroying the stream closes the transport.
 */
import { Duplex } from 'node:stream';
import type { Transport } from '../lib/transport/transport';

export class TransportDuplex extends Duplex {
  constructor(private readonly transport: Transport) {
    super();
  }

  override _read(): void {
    this.transport.read().then(
      (bytes) => {
        if (!this.destroyed) this.push(bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      },
      (error: Error) => this.destroy(error),
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.transport.write(chunk).then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.transport.close().then(
      () => callback(error),
      () => callback(error),
    );
  }
}
