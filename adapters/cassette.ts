/**
 * The cassette format: a plain-JSON recording of one transport's exchange (every write and read, with the read
 * boundaries, the end of stream and read errors), how it spells bytes, and the check that a parsed value is one.
 * `RecordingTransport` (recording.ts) writes cassettes; `ReplayTransport` (replay.ts) plays them back.
 */
import { byteString, fromByteString } from '../lib/message/bytes';
import { UsageError } from '../lib/message/errors';

/** How a cassette spells bytes: `latin1` (one char per octet, readable for HTTP) or `base64`. */
export type CassetteEncoding = 'latin1' | 'base64';

/** One recorded event, in the order it happened. */
export type CassetteEvent =
  | {
      /** Bytes handed to `write()` (one event per call). */
      type: 'write';
      /** The bytes written, spelled as the cassette's `encoding` says. */
      data: string;
    }
  | {
      /** Bytes returned by one `read()` (one event per call: the read boundaries). */
      type: 'read';
      /** The bytes read, spelled as the cassette's `encoding` says. */
      data: string;
    }
  | {
      /** `read()` returned `null`: the peer closed. */
      type: 'end';
    }
  | {
      /** `read()` rejected. */
      type: 'error';
      /** The error's `code` (such as `'ERR_CONNECTION_RESET'`); replay rejects with a TransportError of this code. */
      code: string;
      /** The error's message; the replay's message is `Replayed: ` and this. */
      message: string;
    }
  | {
      /** `close()` was called (informational). */
      type: 'close';
    };

/** A recording of one transport's exchange; plain JSON. */
export interface Cassette {
  /** Always `'io-http-cassette'`: what marks the JSON as a cassette. */
  format: 'io-http-cassette';
  /** The format's version; only 1 exists. */
  version: 1;
  /** How `data` strings encode bytes. */
  encoding: CassetteEncoding;
  /** The URL the transport was opened for, when known. */
  url?: string;
  /** Whether the recorded transport carried TLS; the replay reports the same. */
  secure: boolean;
  /** The recorded peer's address, reported again by the replay. */
  remoteAddress?: string;
  /** The recorded peer's port, reported again by the replay. */
  remotePort?: number;
  /** What happened on the transport, in order. */
  events: CassetteEvent[];
}
// No Buffer: cassettes work in any runtime with atob/btoa.
/** `bytes` as a cassette's `data` string. */
export function encodeBytes(bytes: Uint8Array, encoding: CassetteEncoding): string {
  const latin1 = byteString(bytes);
  return encoding === 'base64' ? btoa(latin1) : latin1;
}

/** The bytes of a cassette's `data` string; throws UsageError('ERR_CASSETTE') for a char above U+00FF. */
export function decodeBytes(data: string, encoding: CassetteEncoding): Uint8Array {
  const latin1 = encoding === 'base64' ? atob(data) : data;
  for (let i = 0; i < latin1.length; i++) {
    if (latin1.charCodeAt(i) > 0xff) throw new UsageError(`Not an io-http cassette: a latin1 string holds the char U+${latin1.charCodeAt(i).toString(16)}`, 'ERR_CASSETTE');
  }
  return fromByteString(latin1);
}

/** Checks a parsed cassette's shape; throws UsageError('ERR_CASSETTE') if it is not one. */
export function checkCassette(value: unknown): Cassette {
  const c = value as Partial<Cassette> | null;
  const bad = (why: string): never => {
    throw new UsageError(`Not an io-http cassette: ${why}`, 'ERR_CASSETTE');
  };
  if (!c || typeof c !== 'object') bad('not an object');
  if (c!.format !== 'io-http-cassette') bad(`format is ${JSON.stringify(c!.format)}`);
  if (c!.version !== 1) bad(`version ${JSON.stringify(c!.version)} is not supported`);
  if (c!.encoding !== 'latin1' && c!.encoding !== 'base64') bad(`encoding ${JSON.stringify(c!.encoding)} is not supported`);
  if (!Array.isArray(c!.events)) bad('events is not an array');
  for (const [i, event] of c!.events!.entries()) {
    const e = event as { type?: unknown; data?: unknown };
    if (e?.type === 'write' || e?.type === 'read') {
      if (typeof e.data !== 'string') bad(`event ${i} has no data`);
    } else if (e?.type !== 'end' && e?.type !== 'error' && e?.type !== 'close') {
      bad(`event ${i} has type ${JSON.stringify(e?.type)}`);
    }
  }
  return c as Cassette;
}
