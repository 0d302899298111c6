import type { Transport } from './transport';

/**
 * `transport` if its reads are owned (`ownedReads`), else a view of it whose every read is a copy, made as the
 * bytes arrive: so a transport that reads into one reused buffer cannot change bytes the session still holds (a
 * body chunk a caller kept, the start of the next response). The session applies it where it opens transports.
 */
export function withOwnedReads(transport: Transport): Transport {
  return transport.ownedReads ? transport : new CopiedReads(transport);
}

/** A transport whose reads are copies of another's. */
class CopiedReads implements Transport {
  readonly ownedReads = true;

  constructor(private readonly inner: Transport) {}

  get secure(): boolean {
    return this.inner.secure;
  }

  get remoteAddress(): string | undefined {
    return this.inner.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.inner.remotePort;
  }

  async read(): Promise<Uint8Array | null> {
    const bytes = await this.inner.read();
    // A new Uint8Array over a copy: some Uint8Array subclasses' slice() returns a view of the same memory.
    return bytes && new Uint8Array(bytes);
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.inner.write(bytes);
  }

  /** Passed on to the inner transport, which holds the runtime's handle. */
  idle(idle: boolean): void {
    this.inner.idle?.(idle);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
