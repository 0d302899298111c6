/**
 * Runs a handshake under `timeouts.tls`, the session clock and the abort signal, for both ForgeTls engines:
 * whichever comes first (the handshake's end, its failure, the timer, the abort) settles it, once. On a
 * failure, `abandon` closes the inner transport before the promise rejects. The inner transport failing (a
 * reset) is a refused handshake, `TlsError('handshake')` with the transport's error as `cause`, as NodeTls says.
 */
import { AbortError, TimeoutError, TlsError, TransportError } from '../../lib/message/errors';
import { systemClock } from '../../lib/transport/clock';
import type { TransportOptions } from '../../lib/transport/transport';

/**
 * `run` does the handshake; it may check `isSettled()` after each wait and stop when a timeout or an abort got
 * there first.
 */
export function boundedHandshake(
  options: TransportOptions,
  run: (isSettled: () => boolean) => Promise<void>,
  abandon: (error: Error) => Promise<void>,
): Promise<void> {
  const clock = options.clock ?? systemClock;
  const signal = options.signal;
  const ms = options.timeouts?.tls;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let timer: unknown;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) void abandon(error).then(() => reject(error));
      else resolve();
    };
    const onAbort = (): void => settle(new AbortError(signal?.reason));
    if (signal?.aborted) return settle(new AbortError(signal.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (ms !== undefined && Number.isFinite(ms) && ms >= 0) {
      timer = clock.setTimeout(() => settle(new TimeoutError('tls', ms)), ms);
    }
    run(() => settled).then(
      () => settle(),
      (error: unknown) =>
        settle(error instanceof TransportError ? new TlsError('handshake', `The connection failed during the TLS handshake: ${error.message}`, { cause: error }) : (error as Error)),
    );
  });
}
