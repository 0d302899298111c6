/**
 * A fake server over in-memory transport pairs, for the session specs that need no real socket (as h11 tests
 * its connections through an in-memory pair): deterministic, no port, no kernel buffers. Each connection the
 * session opens runs `onConnection` with the server end, a RequestReader over it, and its index.
 */
import { InMemoryTransport, type InMemoryFactory, type InMemoryPairOptions } from '../../adapters/in-memory';
import { bytesOf } from './bytes';
import { RequestReader } from './request-reader';

export interface MemoryServer {
  /** The factory to give a session (`transport: server.factory`). */
  factory: InMemoryFactory;
  /** The server end of every connection, in order. */
  connections: InMemoryTransport[];
}

export function memoryServer(
  onConnection: (server: InMemoryTransport, reader: RequestReader, index: number) => void | Promise<void>,
  options: InMemoryPairOptions = {},
): MemoryServer {
  const connections: InMemoryTransport[] = [];
  const factory = InMemoryTransport.factory((server) => {
    connections.push(server);
    return onConnection(server, RequestReader.over(server), connections.length - 1);
  }, options);
  return { factory, connections };
}

/** Writes `text` (latin1) from the server end; a write after the client closed is ignored. */
export function reply(server: InMemoryTransport, text: string): Promise<void> {
  return server.write(bytesOf(text)).catch(() => {});
}
