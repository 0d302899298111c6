/**
 * `NodeTcp`: plain TCP for Node, opening `net.Socket`s and handing them out as `SocketTransport`s
 * (node-socket.ts, which this entry, `io-http/adapters/node-tcp`, also re-exports as it always has).
 */
import * as net from 'node:net';
import { AbortError } from '../lib/message/errors';
import { systemClock } from '../lib/transport/clock';
import type { Transport, TransportFactory, TransportOptions } from '../lib/transport/transport';
import { peerName, runtimeTransportError } from '../lib/transport/runtime-errors';
import { SocketTransport, stripBrackets, whenOpen } from './node-socket';

export {
  SocketTransport,
  stripBrackets,
  whenOpen,
  type SocketOpening,
  type SocketTransportOptions,
} from './node-socket';

/** Options of `NodeTcp`. */
export interface NodeTcpOptions {
  /** Passed to `SocketTransport`: unread bytes queued before the socket is paused. */
  readHighWaterMark?: number;
}

/** `http:` (and any host:port) over plain TCP, with `node:net`. */
export class NodeTcp implements TransportFactory {
  private readonly options: NodeTcpOptions;

  constructor(options: NodeTcpOptions = {}) {
    this.options = options;
  }

  /**
   * Connects to `url.hostname` (IPv6 brackets stripped) and `url.port` (default 80 for http:, 443 for https:),
   * with the connect timeout and abort of `whenOpen`.
   */
  open(url: URL, options: TransportOptions = {}): Promise<Transport> {
    const host = stripBrackets(url.hostname);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const peer = peerName(host, port);
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    const clock = options.clock ?? systemClock;

    let socket: net.Socket;
    try {
      socket = net.connect({ host, port });
    } catch (error) {
      // Bad arguments (a port of 0, ...) throw at once.
      return Promise.reject(runtimeTransportError(error, 'Could not connect to', peer));
    }
    return whenOpen(socket, { peer, clock, signal, connectMs: options.timeouts?.connect }).then(
      () => new SocketTransport(socket, false, { readHighWaterMark: this.options.readHighWaterMark, peer }),
    );
  }
}
