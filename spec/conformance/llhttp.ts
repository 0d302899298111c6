/**
 * llhttp as Node ships it: the `HTTPParser` binding Node's own http client uses, in RESPONSE mode, wired as
 * lib/_http_client.js wires it (strict: no leniency flags; HEAD responses skip the body; a 2xx to CONNECT and a
 * 101 are upgrades). The reference of the differential test; bench/parser.mjs drives the same binding.
 * `execute` returns an Error for a parse error (one of Node's realm: `instanceof` fails under jest).
 */
import { pairs, type Verdict } from './verdict';

interface ParserBinding {
  new (): HTTPParser;
  RESPONSE: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kLenientNone: number;
}

interface HTTPParser {
  [callback: number]: (...args: never[]) => unknown;
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  finish(): number | Error | undefined;
  close(): void;
}

// The module Node's http client takes its parser from (the same binding as process.binding('http_parser'),
// without the deprecation warning).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HTTPParser } = require('_http_common') as { HTTPParser: ParserBinding };

/** The llhttp version Node was built with (the allow-list in disagreements.ts was made against 9.x). */
export const llhttpVersion: string = process.versions.llhttp ?? 'unknown';

interface Message {
  version: string;
  status: number;
  headers: string[];
  body: Buffer[];
  keepAlive: boolean;
  upgrade: boolean;
  trailers: string[];
}

/** Parses `input` as the response stream to a `method` request, then its end (EOF). */
export function llhttpVerdict(input: Uint8Array, method = 'GET'): Verdict {
  const parser = new HTTPParser();
  const done: Message[] = [];
  let current: Message | undefined;
  let pending: string[] = [];
  parser[HTTPParser.kOnHeaders] = ((headers: string[]) => {
    pending.push(...headers);
  }) as never;
  parser[HTTPParser.kOnHeadersComplete] = ((
    major: number,
    minor: number,
    headers: string[] | undefined,
    _method: unknown,
    _url: unknown,
    status: number,
    _reason: string,
    upgrade: boolean,
    keepAlive: boolean,
  ) => {
    current = { version: `${major}.${minor}`, status, headers: headers ?? pending, body: [], keepAlive, upgrade, trailers: [] };
    pending = [];
    if (method === 'CONNECT' && status >= 200 && status < 300) {
      current.upgrade = true;
      return 2;
    }
    // Skip the body of a response to HEAD (as Node's client does); 1xx have none anyway.
    return method === 'HEAD' ? 1 : 0;
  }) as never;
  parser[HTTPParser.kOnBody] = ((chunk: Buffer) => {
    current!.body.push(Buffer.from(chunk));
  }) as never;
  parser[HTTPParser.kOnMessageComplete] = (() => {
    current!.trailers = pending;
    pending = [];
    done.push(current!);
    current = undefined;
  }) as never;
  parser.initialize(HTTPParser.RESPONSE, {}, 0, HTTPParser.kLenientNone);
  try {
    // Interim: 1xx but 101. llhttp takes any three digits, so a status below 100 is final here.
    const final = () => done.findIndex((m) => m.status < 100 || m.status >= 200 || m.status === 101 || m.upgrade);
    const executed = parser.execute(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
    // An upgrade stops the parser at the head: what follows is another protocol.
    if (current?.upgrade) done.push(current);
    if (isError(executed) && final() < 0) return { accepted: false, error: executed.code };
    if (final() < 0) {
      const finished = parser.finish();
      if (isError(finished)) return { accepted: false, error: finished.code };
    }
    const at = final();
    if (at < 0) return { accepted: false, error: 'incomplete' };
    const m = done[at];
    return {
      accepted: true,
      version: m.version,
      status: m.status,
      interim: done.slice(0, at).map((r) => r.status),
      headers: pairs(m.headers),
      body: Buffer.concat(m.body).toString('latin1'),
      trailers: pairs(m.trailers),
      // A body delimited by close, an upgrade: never reusable, as io-http reports it.
      keepAlive: m.keepAlive && !m.upgrade,
    };
  } finally {
    parser.close();
  }
}

function isError(value: unknown): value is { code: string } {
  return typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'string';
}
