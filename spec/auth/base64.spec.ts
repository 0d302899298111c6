import fc from 'fast-check';
import { base64Encode } from '../../lib/auth/base64';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('base64Encode', () => {
  // RFC 4648 §10 test vectors: every padding case, lengths 0..6.
  it.each([
    ['', ''],
    ['f', 'Zg=='],
    ['fo', 'Zm8='],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg=='],
    ['fooba', 'Zm9vYmE='],
    ['foobar', 'Zm9vYmFy'],
  ])('encodes %j as %j (RFC 4648 §10)', (input, expected) => {
    expect(base64Encode(ascii(input))).toBe(expected);
  });

  it.each([
    [[0x00], 'AA=='],
    [[0xff], '/w=='],
    [[0xff, 0xff], '//8='],
    [[0xfb, 0xff, 0xbf], '+/+/'],
    [[0x00, 0x00, 0x00, 0x00], 'AAAAAA=='],
    [[0xde, 0xad, 0xbe, 0xef, 0x01], '3q2+7wE='],
  ])('encodes the bytes %j as %j (high bits, both alphabet ends)', (input, expected) => {
    expect(base64Encode(Uint8Array.from(input))).toBe(expected);
  });

  it('encodes every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base64Encode(all)).toBe(Buffer.from(all).toString('base64'));
  });

  it('encodes a view into a larger buffer, not the whole buffer', () => {
    const backing = ascii('xxfoobarxx');
    expect(base64Encode(backing.subarray(2, 8))).toBe('Zm9vYmFy');
  });

  it('agrees with Buffer for arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(base64Encode(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      }),
      { numRuns: 500 },
    );
  });
});
