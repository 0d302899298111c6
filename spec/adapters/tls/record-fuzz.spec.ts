/**
 * Fuzzing the TLS client's input side with fast-check: random bytes, random well-framed records, and mutations
 * of a real server flight (RFC 8448 §3) fed in random pieces. Every run must end in a typed TlsError or in
 * waiting for more bytes; never an untyped exception, never a promise that does not settle.
 */
import fc from 'fast-check';
import { TlsError } from '../../../lib/message/errors';
import { Groups } from '../../../adapters/tls/crypto';
import { Alert, TlsProtocolError } from '../../../adapters/tls/errors';
import { TLS12, TLS13 } from '../../../adapters/tls/handshake-messages';
import { RecordReader } from '../../../adapters/tls/record-layer';
import { TlsClient } from '../../../adapters/tls/tls-client';
import { parseCertificate } from '../../../adapters/tls/x509';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

/** The RFC 8448 §3 ServerHello record and the start of the encrypted flight (enough to reach the AEAD). */
const serverHelloRecord = hex(`
  160303005a020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020c9828876112095
  fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304`);

function client(): TlsClient {
  return new TlsClient({
    serverName: 'example.com',
    peer: 'fuzz',
    versions: [TLS13, TLS12],
    groups: [Groups.x25519, Groups.secp256r1],
    alpn: ['http/1.1'],
    // As the RFC 8448 server expects: so that its ServerHello is accepted and the fuzz reaches the encrypted records.
    sessionId: new Uint8Array(0),
    verifyCertificates: async (ders) => parseCertificate(ders[0]!),
    send: () => {},
  });
}

/**
 * Feeds `pieces`; resolves to 'waiting', 'closed' (close_notify) or the TlsError; rejects on anything else, on an
 * internal error, or after 2 s.
 */
async function feed(pieces: Uint8Array[]): Promise<string> {
  const c = client();
  await c.start();
  const run = (async () => {
    try {
      for (const piece of pieces) if ((await c.receive(piece)).closed) return 'closed';
      return 'waiting';
    } catch (error) {
      // internal_error is what the client says when something other than the input failed: a bug.
      if (error instanceof TlsError && !(error instanceof TlsProtocolError && error.alert === Alert.internal_error)) return `TlsError(${error.reason})`;
      throw error;
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the client did not settle')), 2000)));
  try {
    return await Promise.race([run, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Cuts `bytes` at the given points. */
function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of sorted) {
    out.push(bytes.subarray(last, p));
    last = p;
  }
  out.push(bytes.subarray(last));
  return out;
}

const record = fc
  .record({
    type: fc.oneof(fc.constantFrom(20, 21, 22, 23), fc.integer({ min: 0, max: 255 })),
    version: fc.constantFrom(0x0301, 0x0303, 0x0304),
    body: fc.uint8Array({ minLength: 0, maxLength: 300 }),
  })
  .map(({ type, version, body }) => Uint8Array.from([type, version >> 8, version & 0xff, body.length >> 8, body.length & 0xff, ...body]));

describe('TLS client input fuzz', () => {
  it('random bytes end in a TlsError, a close_notify or in waiting', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 5 }), async (bytes, points) => {
        expect(await feed(cut(bytes, points))).toMatch(/^(TlsError\((handshake|protocol)\)|waiting|closed)$/);
      }),
      { numRuns: 300 },
    );
  });

  it('random well-framed records, after a real ServerHello or without one, end in a TlsError, a close_notify or in waiting', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(record, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 4 }), async (hello, records, points) => {
        const bytes = Uint8Array.from([...(hello ? serverHelloRecord : []), ...records.flatMap((r) => [...r])]);
        expect(await feed(cut(bytes, points))).toMatch(/^(TlsError\((handshake|protocol)\)|waiting|closed)$/);
      }),
      { numRuns: 300 },
    );
  });

  it('a mutated ServerHello (bytes changed, dropped, inserted) ends in a TlsError or in waiting', async () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), value: fc.constant(0) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 4 }), async (mutations, points) => {
        const bytes = [...serverHelloRecord];
        for (const m of mutations) {
          const at = m.at % (bytes.length + 1);
          if (m.kind === 'set' && at < bytes.length) bytes[at] = m.value;
          else if (m.kind === 'drop') bytes.splice(at, 1);
          else if (m.kind === 'insert') bytes.splice(at, 0, m.value);
        }
        expect(await feed(cut(Uint8Array.from(bytes), points))).toMatch(/^(TlsError\((handshake|protocol)\)|waiting|closed)$/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('RecordReader', () => {
  it('gives the same records however the stream is split', () => {
    fc.assert(
      fc.property(fc.array(record.filter((r) => r[0]! >= 20 && r[0]! <= 23 && (r.length > 5 || r[0] === 23)), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (records, points) => {
        const stream = Uint8Array.from(records.flatMap((r) => [...r]));
        const reader = new RecordReader();
        const got: string[] = [];
        for (const piece of cut(stream, points)) {
          reader.push(piece);
          for (let r = reader.next(); r; r = reader.next()) got.push(Buffer.from([...r.header, ...r.body]).toString('hex'));
        }
        expect(got).toEqual(records.map((r) => Buffer.from(r).toString('hex')));
        expect(reader.pending).toBe(0);
      }),
    );
  });
});

it('the RFC 8448 ServerHello is accepted by the fuzzed client, so the fuzz reaches the protected records', async () => {
  const junk = Uint8Array.from([23, 3, 3, 0, 20, ...new Array(20).fill(7)]);
  expect(await feed([serverHelloRecord])).toBe('waiting');
  expect(await feed([serverHelloRecord, junk])).toBe('TlsError(handshake)');
});
