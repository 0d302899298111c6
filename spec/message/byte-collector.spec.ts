import { ByteCollector, expectedLength } from '../../lib/message/byte-collector';
import { Headers } from '../../lib/message/headers';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('ByteCollector', () => {
  test('no piece: an empty body', () => {
    expect(new ByteCollector().bytes()).toEqual(new Uint8Array(0));
  });

  test('a single piece is returned as it is, uncopied', () => {
    const piece = bytes(1, 2, 3);
    const collector = new ByteCollector(3);
    collector.push(piece);
    expect(collector.bytes()).toBe(piece);
  });

  test('pieces are copied in order, empty pieces skipped; a piece after the first can be reused once pushed', () => {
    const collector = new ByteCollector();
    collector.push(bytes(0));
    const scratch = new Uint8Array(1);
    for (let i = 1; i < 5000; i++) {
      scratch[0] = i & 0xff;
      collector.push(scratch);
      collector.push(new Uint8Array(0));
    }
    const body = collector.bytes();
    expect(body.length).toBe(5000);
    expect(collector.length).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(body[i]).toBe(i & 0xff);
  });

  test('with the expected length, the buffer is sized once: the body is a view of exactly that buffer', () => {
    const collector = new ByteCollector(10);
    collector.push(bytes(1, 2, 3, 4));
    collector.push(bytes(5, 6, 7, 8, 9, 10));
    const body = collector.bytes();
    expect(Array.from(body)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(body.buffer.byteLength).toBe(10);
  });

  test('a false, huge expected length allocates at most 16 MiB ahead', () => {
    const collector = new ByteCollector(100e9);
    collector.push(bytes(1));
    collector.push(bytes(2));
    expect(collector.bytes().buffer.byteLength).toBe(16 * 1024 * 1024);
  });

  test('more than expected still fits: the buffer doubles', () => {
    const collector = new ByteCollector(4);
    for (let i = 0; i < 10; i++) collector.push(bytes(i, i));
    expect(Array.from(collector.bytes())).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]);
    expect(collector.bytes().buffer.byteLength).toBe(1024); // the smallest buffer it grows to
  });

  test('hold keeps a few pieces as views and joins them once, in an array of exactly the body', () => {
    const collector = new ByteCollector();
    const first = bytes(1, 2);
    collector.hold(first);
    expect(collector.bytes()).toBe(first);
    collector.hold(new Uint8Array(0));
    collector.hold(bytes(3));
    collector.hold(bytes(4, 5));
    const body = collector.bytes();
    expect(Array.from(body)).toEqual([1, 2, 3, 4, 5]);
    expect(body.buffer.byteLength).toBe(5);
    expect(collector.bytes()).toBe(body); // joined once
  });

  test('hold copies past 16 pieces: the body is then a view of a buffer, not of the pieces', () => {
    const collector = new ByteCollector();
    const pieces = Array.from({ length: 40 }, (_, i) => bytes(i));
    for (const piece of pieces) collector.hold(piece);
    const body = collector.bytes();
    expect(Array.from(body)).toEqual(pieces.map((p) => p[0]));
    expect(body.buffer.byteLength).toBe(1024); // the smallest buffer it grows to
    expect(pieces.some((p) => p.buffer === body.buffer)).toBe(false);
  });

  test('hold keeps pieces of 4 KiB or more as views past 16, and joins them once into exactly the body', () => {
    const collector = new ByteCollector();
    const pieces = Array.from({ length: 40 }, (_, i) => new Uint8Array(4096).fill(i));
    for (const piece of pieces) collector.hold(piece);
    const body = collector.bytes();
    expect(body.length).toBe(40 * 4096);
    expect(body.buffer.byteLength).toBe(40 * 4096);
    for (let i = 0; i < 40; i++) expect(body[i * 4096]).toBe(i);
  });

  test('hold: the first small piece past 16 joins the views into a buffer; later pieces are copied into it', () => {
    const collector = new ByteCollector();
    const big = Array.from({ length: 20 }, (_, i) => new Uint8Array(4096).fill(i));
    for (const piece of big) collector.hold(piece);
    collector.hold(bytes(200));
    const last = new Uint8Array(8192).fill(201);
    collector.hold(last);
    const body = collector.bytes();
    expect(body.length).toBe(20 * 4096 + 1 + 8192);
    expect([body[0], body[19 * 4096], body[20 * 4096], body[20 * 4096 + 1]]).toEqual([0, 19, 200, 201]);
    expect([...big, last].some((p) => p.buffer === body.buffer)).toBe(false);
  });

  test('hold with the expected length copies into the buffer sized once, unless the piece is the whole body', () => {
    const whole = bytes(1, 2, 3);
    const one = new ByteCollector(3);
    one.hold(whole);
    expect(one.bytes()).toBe(whole);
    const collector = new ByteCollector(6);
    collector.hold(bytes(1, 2, 3));
    collector.hold(bytes(4, 5, 6));
    const body = collector.bytes();
    expect(Array.from(body)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(body.buffer.byteLength).toBe(6);
  });

  test('expectedLength reads one Content-Length, anything else is no hint', () => {
    expect(expectedLength(new Headers([['content-length', '42']]))).toBe(42);
    expect(expectedLength(new Headers())).toBe(0);
    expect(expectedLength(new Headers([['content-length', '5, 5']]))).toBe(0);
    expect(expectedLength(new Headers([['content-length', '-3']]))).toBe(0);
  });
});
