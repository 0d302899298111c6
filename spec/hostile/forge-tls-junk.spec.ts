/**
 * Hostile servers for ForgeTls: well-formed TLS record headers with junk inside, from a raw node:net server on
 * 127.0.0.1. Each must end the handshake (or the read) with a typed TlsError at once, with no tls timeout set:
 * a client that waits for more bytes here waits forever.
 */
import * as net from 'node:net';
import type * as tls from 'node:tls';
import { ForgeTls } from '../../adapters/forge-tls';
import { TlsError } from '../../lib/message/errors';
import { localhostCert } from '../support/certs';
import { closeServers, listen, tlsEchoServer } from '../support/servers';
import { bytesOf } from '../support/bytes';
import { closeTransports, failure, readUntil, track } from '../support/transports';

const good = localhostCert();

afterEach(async () => {
  await closeTransports();
  await closeServers();
});

/** One TLS record: content type, version, then the payload. */
function record(type: number, version: [number, number], payload: Uint8Array): Buffer {
  const header = Buffer.from([type, version[0], version[1], payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, Buffer.from(payload)]);
}

/** Deterministic junk bytes. */
function junk(length: number, seed = 1): Uint8Array {
  let x = seed;
  return new Uint8Array(length).map(() => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24) & 0xff);
}

/** A raw TCP server that answers the first bytes it gets (the ClientHello) with `reply`, then stays open. */
async function junkServer(reply: Buffer): Promise<string> {
  const server = net.createServer((socket) => {
    socket.once('data', () => socket.write(reply));
  });
  return (await listen(server, { scheme: 'https' })).url;
}

/** The failure of a ForgeTls handshake against `url`, and how long it took; no tls timeout is set. */
async function handshakeFailure(url: string, minVersion?: 'TLSv1' | 'TLSv1.1'): Promise<{ error: Error; ms: number }> {
  const started = Date.now();
  const tls = minVersion ? { ca: good.caPem, minVersion } : { ca: good.caPem };
  const error = await failure(new ForgeTls().open(new URL(url), { tls }));
  return { error, ms: Date.now() - started };
}

const cases: Array<[string, Buffer]> = [
  ['a handshake record of junk', record(22, [3, 3], junk(64))],
  ['a handshake record with a junk message type and length', record(22, [3, 1], junk(300, 7))],
  ['a record of an unknown content type', record(99, [3, 3], junk(32))],
  ['a record of a junk version', record(22, [0x7f, 0x42], junk(32))],
  ['an application-data record before the handshake', record(23, [3, 3], junk(40))],
  ['an alert record of junk', record(21, [3, 3], junk(7))],
  ['a change_cipher_spec record of junk', record(20, [3, 3], junk(9))],
  ['an empty handshake record', record(22, [3, 3], new Uint8Array(0))],
];

describe.each([
  ['default', undefined],
  ['legacy node-forge (minVersion TLSv1)', 'TLSv1' as const],
])('ForgeTls (%s) against a server sending junk records', (_name, minVersion) => {
  it.each(cases)('%s → TlsError(handshake) in well under a second', async (_case, reply) => {
    const url = await junkServer(reply);
    const { error, ms } = await handshakeFailure(url, minVersion);
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ reason: 'handshake' });
    expect(ms).toBeLessThan(1000);
  }, 3000);
});

/** The node:tls server configuration the legacy node-forge engine can talk to (see docs/tls.md). */
const LEGACY_SERVER: tls.TlsOptions = { minVersion: 'TLSv1', ciphers: 'AES128-SHA:AES256-SHA:@SECLEVEL=0' };

describe.each([
  ['default', undefined, {}],
  ['legacy node-forge (minVersion TLSv1)', 'TLSv1' as const, LEGACY_SERVER],
])('ForgeTls (%s): junk records after the handshake', (_name, minVersion, serverOptions) => {
  const after: Array<[string, (version: [number, number]) => Buffer]> = [
    ['an application-data record of junk', (v) => record(23, v, junk(48, 3))],
    ['a record of an unknown content type', (v) => record(99, v, junk(32, 4))],
    ['a record of a junk version', () => record(23, [0x7f, 0x42], junk(32, 5))],
  ];

  it.each(after)('%s → TlsError(protocol) on read, in well under a second', async (_case, make) => {
    let version: [number, number] = [3, 3];
    const s = await tlsEchoServer(good, serverOptions, (socket) => {
      version = socket.getProtocol() === 'TLSv1' ? [3, 1] : [3, 3];
    });
    const tlsOptions = minVersion ? { ca: good.caPem, minVersion } : { ca: good.caPem };
    const t = track(await new ForgeTls().open(new URL(s.url), { tls: tlsOptions }));
    const raw = s.sockets[0]!;
    await t.write(bytesOf('x'));
    expect(await readUntil(t, 6)).toBe('echo:x');
    const started = Date.now();
    raw.write(make(version));
    const error = await failure(t.read());
    expect(error).toBeInstanceOf(TlsError);
    expect(error).toMatchObject({ reason: 'protocol' });
    expect(Date.now() - started).toBeLessThan(1000);
  }, 3000);
});
