import { AbortError, TimeoutError } from '../message/errors';
import { systemClock } from './clock';
import { runtimeTransportError } from './runtime-errors';
import type { Transport, TransportOptions } from './transport';

/** `host:port` of a URL, the scheme's default port spelt out ('[::1]:80'). */
export function peerOf(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

/**
 * Runs `connect()` under the factory contract: `options.signal` aborts it (AbortError), `timeouts.connect` bounds
 * it on `options.clock` (TimeoutError 'connect'), and its failure becomes a TransportError naming the peer. A
 * transport that opens after the open was given up is closed at once.
 */
export function openWithin<T extends Transport>(url: URL, options: TransportOptions, connect: () => Promise<T>): Promise<T> {
  const { signal, clock = systemClock } = options;
  if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
  const ms = options.timeouts?.connect;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const giveUp = (error: Error): void => {
      if (settle()) reject(error);
    };
    const onAbort = (): void => giveUp(new AbortError(signal?.reason));
    const timer = ms !== undefined && Number.isFinite(ms) && ms >= 0 ? clock.setTimeout(() => giveUp(new TimeoutError('connect', ms)), ms) : undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    Promise.resolve()
      .then(connect)
      .then(
        (transport) => {
          if (settle()) resolve(transport);
          else void transport.close().catch(() => {});
        },
        (error) => giveUp(runtimeTransportError(error, 'Could not connect to', peerOf(url))),
      );
  });
}
