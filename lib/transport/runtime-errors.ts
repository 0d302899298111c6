import { TransportError, type TransportErrorCode } from '../message/errors';

/**
 * The TransportError `code` for a runtime's socket error, from its Node-style `code` (Node, Bun: 'ECONNRESET')
 * or its class name (Deno: `Deno.errors.ConnectionReset`). The table is in docs/transports.md.
 */
export function runtimeErrorCode(error: unknown): TransportErrorCode {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  for (const key of [code, name]) {
    switch (key) {
      case 'ECONNREFUSED':
      case 'ConnectionRefused':
        return 'ERR_CONNECTION_REFUSED';
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
      case 'EAI_FAIL':
      case 'EAI_NONAME':
      case 'EAI_NODATA':
        return 'ERR_DNS';
      case 'ECONNRESET':
      case 'EPIPE':
      case 'ECONNABORTED':
      case 'ConnectionReset':
      case 'ConnectionAborted':
      case 'BrokenPipe':
        return 'ERR_CONNECTION_RESET';
      case 'ETIMEDOUT':
      case 'TimedOut':
        return 'ERR_CONNECTION_TIMED_OUT';
      case 'ENETUNREACH':
      case 'EHOSTUNREACH':
      case 'EADDRNOTAVAIL':
      case 'AddrNotAvailable':
        return 'ERR_UNREACHABLE';
    }
  }
  return 'ERR_TRANSPORT';
}

/** `address:port` for messages, or 'the peer' when the transport does not know it. */
export function peerName(address: string | undefined, port: number | undefined): string {
  if (address === undefined) return 'the peer';
  return `${address.includes(':') ? `[${address}]` : address}${port === undefined ? '' : `:${port}`}`;
}

/** `<what> <peer>: <the runtime's message>`, with a code from `runtimeErrorCode` and the error as `cause`. */
export function runtimeTransportError(error: unknown, what: string, peer: string): TransportError {
  if (error instanceof TransportError) return error;
  const message = typeof (error as Error)?.message === 'string' ? (error as Error).message : String(error);
  return new TransportError(`${what} ${peer}: ${message}`, { cause: error, code: runtimeErrorCode(error) });
}
