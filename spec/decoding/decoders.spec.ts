/**
 * The content decoders and the decoded body, over byte sources in memory: every format whole, byte by byte and
 * split at every point, with node:zlib's decoders and with the web `DecompressionStream` ones; corrupt and cut
 * streams; the limits; and pulling no more encoded input than the decoded output needs.
 */
import * as zlib from 'node:zlib';
import { DecodedBody, DEFAULT_DECODING_LIMITS, encodingsToUndo, RATIO_CHECK_FROM, type DecodingPolicy } from '../../lib/decoding/decoded-body';
import { isZlibHeader } from '../../lib/decoding/deflate-decoder';
import type { DecoderRegistry } from '../../lib/decoding/registry';
import { ContentDecodingError, LimitError } from '../../lib/message/errors';
import { Headers } from '../../lib/message/headers';
import { HttpResponse } from '../../lib/message/response';
import { nodeDecoders, readAll, sourceOf, webOnlyDecoders, zerosGzip } from '../support/decoders';
import { rejection } from '../support/failures';

const MiB = 1024 * 1024;
const text = Buffer.from('{"message":"hello, decoded world","list":[1,2,3,4,5,6,7,8,9,10],"repeat":"abcabcabcabcabcabc"}');

const policyOf = (decoders: DecoderRegistry, limits: Partial<DecodingPolicy> = {}): DecodingPolicy => ({ decompress: true, decoders, ...DEFAULT_DECODING_LIMITS, ...limits });

/** The input whole, byte by byte, and split in two at every point. */
function splits(bytes: Uint8Array): Array<[string, Uint8Array[]]> {
  const cases: Array<[string, Uint8Array[]]> = [['whole', [bytes]], ['byte by byte', [...bytes].map((b) => Uint8Array.of(b))]];
  for (let at = 1; at < bytes.length; at++) cases.push([`split at ${at}`, [bytes.subarray(0, at), bytes.subarray(at)]]);
  return cases;
}

/**
 * Each registry, what it offers, and the most 1 KiB encoded pieces it reads before its first output: node:zlib
 * takes a piece when it has no output; Node's DecompressionStream takes pieces until its input queue is full.
 */
const registries: Array<[string, () => DecoderRegistry, string[], number]> = [
  ['node:zlib', nodeDecoders, ['gzip', 'deflate', 'br'], 3],
  ['DecompressionStream', webOnlyDecoders, ['gzip', 'deflate'], 64],
];

describe.each(registries)('decoding with %s', (_name, makeRegistry, offered, readAhead) => {
  const decoders = makeRegistry();
  const decode = (encodings: string[], pieces: Uint8Array[], limits: Partial<DecodingPolicy> = {}): Promise<Buffer> =>
    readAll(new DecodedBody(sourceOf(pieces), encodings, policyOf(decoders, limits)));

  test(`Accept-Encoding offers ${offered.join(', ')}`, () => {
    expect(decoders.acceptEncoding()).toBe(offered.join(', '));
  });

  const formats: Array<[string, string, Buffer]> = [
    ['gzip', 'gzip', zlib.gzipSync(text)],
    ['x-gzip', 'x-gzip', zlib.gzipSync(text)],
    ['deflate (zlib)', 'deflate', zlib.deflateSync(text)],
    ['deflate (raw, as servers wrongly send it)', 'deflate', zlib.deflateRawSync(text)],
    ['deflate, gzip (deflated, then gzipped)', 'deflate, gzip', zlib.gzipSync(zlib.deflateSync(text))],
    ['two gzip members in one stream', 'gzip', Buffer.concat([zlib.gzipSync(text.subarray(0, 40)), zlib.gzipSync(text.subarray(40))])],
  ];
  if (offered.includes('br')) formats.push(['br', 'br', zlib.brotliCompressSync(text)], ['br, gzip', 'br, gzip', zlib.gzipSync(zlib.brotliCompressSync(text))]);

  describe.each(formats)('%s', (_label, field, encoded) => {
    test.each(splits(encoded))('%s', async (_split, pieces) => {
      expect((await decode(field.split(', '), pieces)).toString()).toBe(text.toString());
    });
  });

  test('an empty body is empty, whatever its coding says', async () => {
    expect((await decode(['gzip'], [])).length).toBe(0);
  });

  test('a big body comes out whole, in pieces', async () => {
    const big = Buffer.alloc(3 * MiB + 5, 'the same line again\n');
    const encoded = zlib.gzipSync(big);
    const pieces = [];
    for (let at = 0; at < encoded.length; at += 1000) pieces.push(encoded.subarray(at, at + 1000));
    expect((await decode(['gzip'], pieces)).equals(big)).toBe(true);
  });

  test('bytes after the end of a deflate stream are read and dropped', async () => {
    const source = sourceOf([zlib.deflateSync(text), Buffer.from('trailing garbage')]);
    const decoded = await readAll(new DecodedBody(source, ['deflate'], policyOf(decoders)));
    expect(decoded.toString()).toBe(text.toString());
    expect(source.ended).toBe(true); // the wire was read to its end
  });

  const gzipped = zlib.gzipSync(text);
  const corrupt: Array<[string, string, Buffer]> = [
    ['a bad gzip header', 'gzip', Buffer.concat([Buffer.from('not gzip at all'), gzipped])],
    ['a bad CRC', 'gzip', Buffer.concat([gzipped.subarray(0, -8), Buffer.from([0, 0, 0, 0]), gzipped.subarray(-4)])],
    ['a gzip stream cut short', 'gzip', gzipped.subarray(0, gzipped.length - 10)],
    ['bytes after a gzip member that are no gzip member', 'gzip', Buffer.concat([gzipped, Buffer.from('trailing garbage')])],
    ['a zlib stream with a bad checksum', 'deflate', Buffer.concat([zlib.deflateSync(text).subarray(0, -4), Buffer.from([1, 2, 3, 4])])],
    ['one byte of deflate', 'deflate', Buffer.from([0x78])],
  ];
  test.each(corrupt)('%s is a ContentDecodingError', async (_label, field, encoded) => {
    const source = sourceOf([encoded]);
    const error = await rejection(readAll(new DecodedBody(source, [field], policyOf(decoders))));
    expect(error).toBeInstanceOf(ContentDecodingError);
    expect(error.code).toBe('ERR_CONTENT_DECODING');
    expect(error.encodings).toEqual([field]);
    expect(error.message).toContain(`Content-Encoding: ${field}`);
    expect(source.cancelled).toBe(true);
  });

  test('an error of the encoded source passes through as it is', async () => {
    const failure = new Error('the wire broke');
    const pieces = [zlib.gzipSync(text).subarray(0, 12)];
    const source = { next: async () => pieces.shift() ?? Promise.reject(failure), cancel: () => {} };
    expect(await rejection(readAll(new DecodedBody(source, ['gzip'], policyOf(decoders))))).toBe(failure);
  });

  test('a bomb (gzip, gzip: under 10 KiB to 200 MiB) is a LimitError soon after 8 MiB', async () => {
    const bomb = zlib.gzipSync(zerosGzip(200));
    expect(bomb.length).toBeLessThan(10 * 1024);
    const pieces = [];
    for (let at = 0; at < bomb.length; at += 64) pieces.push(bomb.subarray(at, at + 64));
    const source = sourceOf(pieces);
    const body = new DecodedBody(source, ['gzip', 'gzip'], policyOf(decoders));
    let decoded = 0;
    const error = await rejection(
      (async () => {
        for (let piece = await body.next(); piece !== null; piece = await body.next()) decoded += piece.length;
      })(),
    );
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: 'ERR_DECODED_TOO_LARGE', limit: 1000 });
    expect(decoded).toBeGreaterThan(RATIO_CHECK_FROM - 256 * 1024);
    expect(decoded).toBeLessThanOrEqual(RATIO_CHECK_FROM);
    expect(source.cancelled).toBe(true);
  });

  test('maxDecodedSize bounds a body that compresses modestly', async () => {
    const big = Buffer.alloc(2 * MiB, 'some text that repeats\n');
    const error = await rejection(decode(['gzip'], [zlib.gzipSync(big)], { maxDecodedSize: MiB }));
    expect(error).toMatchObject({ code: 'ERR_DECODED_TOO_LARGE', limit: MiB });
    expect(await decode(['gzip'], [zlib.gzipSync(big)], { maxDecodedSize: 2 * MiB })).toHaveLength(2 * MiB);
  });

  test('maxDecodedRatio: Infinity lets a body of zeros through', async () => {
    const decoded = await decode(['gzip', 'gzip'], [zlib.gzipSync(zerosGzip(12))], { maxDecodedRatio: Infinity });
    expect(decoded.length).toBe(12 * MiB);
    expect(decoded.every((b) => b === 0)).toBe(true);
  });

  test(`pulled: one decoded piece of a 1 GiB body reads at most ${readAhead} KiB of its 1 MiB`, async () => {
    const encoded = zerosGzip(1024);
    const pieces = [];
    for (let at = 0; at < encoded.length; at += 1024) pieces.push(encoded.subarray(at, at + 1024));
    const source = sourceOf(pieces);
    const body = new DecodedBody(source, ['gzip'], policyOf(decoders, { maxDecodedRatio: Infinity }));
    expect((await body.next())!.length).toBeGreaterThan(0);
    expect(source.pulls).toBeLessThanOrEqual(readAhead);
    body.cancel();
    expect(source.cancelled).toBe(true);
  });
});

describe('the zlib header test that tells deflate from raw deflate', () => {
  test('every zlib stream passes, at every level and window', () => {
    for (let level = 0; level <= 9; level++) {
      for (let windowBits = 9; windowBits <= 15; windowBits++) {
        const bytes = zlib.deflateSync(text, { level, windowBits });
        expect(isZlibHeader(bytes[0], bytes[1])).toBe(true);
      }
    }
  });

  test('raw deflate streams of varied inputs do not', () => {
    const inputs = [text, Buffer.alloc(0), Buffer.alloc(1000), Buffer.from('a'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff))];
    for (const input of inputs) {
      for (let level = 0; level <= 9; level++) {
        const bytes = zlib.deflateRawSync(input, { level });
        expect(isZlibHeader(bytes[0], bytes[1] ?? 0)).toBe(false);
      }
    }
  });
});

describe('which codings are undone', () => {
  const decoders = nodeDecoders();
  const response = (status: number, contentEncoding?: string): HttpResponse =>
    new HttpResponse({ version: '1.1', status, reason: '', headers: new Headers(contentEncoding === undefined ? {} : { 'Content-Encoding': contentEncoding }) });
  const policy = policyOf(decoders);

  test.each([
    ['gzip', ['gzip']],
    ['GZip', ['gzip']],
    ['x-gzip', ['x-gzip']],
    ['deflate, gzip', ['deflate', 'gzip']],
    ['identity', []],
    ['identity, gzip', ['gzip']],
    [' br ,  gzip ', ['br', 'gzip']],
    ['compress', []],
    ['gzip, zstd-unknown', []],
    ['deflate-raw', []],
    ['', []],
  ])('Content-Encoding %j: %j', (field, expected) => {
    expect(encodingsToUndo(policy, 'GET', response(200, field))).toEqual(expected);
  });

  test('none for HEAD, 204, 304, 206, without the field, or with decompress false', () => {
    expect(encodingsToUndo(policy, 'HEAD', response(200, 'gzip'))).toEqual([]);
    expect(encodingsToUndo(policy, 'GET', response(204, 'gzip'))).toEqual([]);
    expect(encodingsToUndo(policy, 'GET', response(304, 'gzip'))).toEqual([]);
    expect(encodingsToUndo(policy, 'GET', response(206, 'gzip'))).toEqual([]);
    expect(encodingsToUndo(policy, 'GET', response(200))).toEqual([]);
    expect(encodingsToUndo({ ...policy, decompress: false }, 'GET', response(200, 'gzip'))).toEqual([]);
  });

  test('the registry: x-gzip is gzip, deflate-raw is no coding, names are case-insensitive', () => {
    expect(decoders.decoderOf('x-gzip')).toBe(decoders.get('gzip'));
    expect(decoders.decoderOf('deflate-raw')).toBeUndefined();
    expect(decoders.decoderOf('BR')).toBe(decoders.get('br'));
    expect(decoders.decoderOf('zstd')).toBeUndefined();
    const br = decoders.get('br')!;
    expect(decoders.acceptEncoding()).toBe('gzip, deflate, br');
    decoders.unregister('br');
    expect(decoders.acceptEncoding()).toBe('gzip, deflate');
    decoders.register('BR', br);
    expect(decoders.acceptEncoding()).toBe('gzip, deflate, br');
  });
});
