/**
 * Helpers for specs that drive a Transport directly: latin1 text to and from bytes, reading until enough
 * has arrived, and closing every transport a test opened (`track()` it, run `closeTransports()` in afterEach).
 * State is per module instance, i.e. per test file.
 */
import type { Transport } from '../../lib/transport/transport';

/** The bytes as latin1 text: one character per byte. */
export const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

/** The latin1 bytes of `text`: one byte per character. */
export const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

/** Reads until at least `n` bytes have arrived (or the end), as latin1 text. */
export async function readUntil(transport: Transport, n: number): Promise<string> {
  let got = '';
  while (got.length < n) {
    const chunk = await transport.read();
    if (!chunk) break;
    got += latin1(chunk);
  }
  return got;
}

const transports: Transport[] = [];

/** Keeps `transport` for `closeTransports()`, and returns it. */
export function track<T extends Transport>(transport: T): T {
  transports.push(transport);
  return transport;
}

/** Closes every transport kept by `track()` (in afterEach, before the servers are closed). */
export async function closeTransports(): Promise<void> {
  await Promise.all(transports.splice(0).map((t) => t.close()));
}

/** The error `promise` rejects with. If it resolves instead, the test fails (a transport it gave is kept for closing). */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    const value = await promise;
    if (value && typeof (value as Transport).close === 'function') track(value as Transport);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}
