/**
 * Helpers for specs that drive a Transport directly: reading until enough has arrived, and closing every
 * transport a test opened (`track()` it, run `closeTransports()` in afterEach). State is per module instance,
 * i.e. per test file.
 */
import type { Transport } from '../../lib/transport/transport';
import { latin1 } from './bytes';
import { rejection } from './failures';

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

/** As `rejection`, for an open: a transport it resolves with instead is kept for closing. */
export function failure(promise: Promise<unknown>): Promise<Error> {
  return rejection(
    promise.then((value) => {
      if (value && typeof (value as Transport).close === 'function') track(value as Transport);
      return value;
    }),
  );
}
