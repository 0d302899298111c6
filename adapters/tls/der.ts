/**
 * A minimal DER reader (X.690): tag, length and the exact byte range of each element, which is what
 * certificate verification needs (the signed TBS bytes must be the bytes received, not a re-encoding).
 * Every malformed or overlong length throws a DerError; nothing is allocated but views.
 */

export class DerError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} (at byte ${offset} of the DER)`);
    this.name = 'DerError';
  }
}

export interface DerElement {
  tag: number;
  /** The whole element, header included. */
  raw: Uint8Array;
  /** The contents. */
  value: Uint8Array;
  /** Offset of `raw` in the outermost DER, for errors. */
  offset: number;
}

export const Tag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** The element at the start of `bytes` (`base` is its offset, for errors). */
function readElement(bytes: Uint8Array, base = 0): DerElement {
  if (bytes.length < 2) throw new DerError('truncated element', base);
  const tag = bytes[0]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not used in certificates', base);
  let length = bytes[1]!;
  let header = 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 3) throw new DerError('unsupported length form', base);
    if (bytes.length < 2 + n) throw new DerError('truncated length', base);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[2 + i]!;
    header = 2 + n;
  }
  if (header + length > bytes.length) throw new DerError(`element of ${length} bytes overruns its container`, base);
  return { tag, raw: bytes.subarray(0, header + length), value: bytes.subarray(header, header + length), offset: base };
}

/** The elements inside a constructed element, in order. */
export function children(element: DerElement): DerElement[] {
  const out: DerElement[] = [];
  let at = 0;
  const header = element.raw.length - element.value.length;
  while (at < element.value.length) {
    const child = readElement(element.value.subarray(at), element.offset + header + at);
    out.push(child);
    at += child.raw.length;
  }
  return out;
}

/** Reads exactly one element of tag `tag` from `bytes` (nothing may follow it). */
export function readOnly(bytes: Uint8Array, tag: number, what: string): DerElement {
  const element = readElement(bytes);
  if (element.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${element.tag.toString(16)}`, 0);
  if (element.raw.length !== bytes.length) throw new DerError(`${what}: trailing bytes`, element.raw.length);
  return element;
}

export function expectTag(element: DerElement | undefined, tag: number, what: string): DerElement {
  if (!element) throw new DerError(`${what} is missing`, 0);
  if (element.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${element.tag.toString(16)}`, element.offset);
  return element;
}

/** An OBJECT IDENTIFIER's contents in dotted form. */
export function oidText(value: Uint8Array): string {
  const arcs: number[] = [];
  let n = 0;
  for (const byte of value) {
    n = n * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (arcs.length === 0) arcs.push(n < 80 ? Math.floor(n / 40) : 2, n < 80 ? n % 40 : n - 80);
      else arcs.push(n);
      n = 0;
    }
  }
  return arcs.join('.');
}

/** A UTCTime or GeneralizedTime (the forms RFC 5280 §4.1.2.5 allows: seconds, 'Z'). */
export function readTime(element: DerElement): Date {
  if (element.value.length > 15) throw new DerError('bad time', element.offset);
  const text = String.fromCharCode(...element.value);
  const match =
    element.tag === Tag.utcTime
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : element.tag === Tag.generalizedTime
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : null;
  if (!match) throw new DerError(`bad time '${text}'`, element.offset);
  let year = Number(match[1]);
  if (element.tag === Tag.utcTime) year += year >= 50 ? 1900 : 2000;
  return new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])));
}

/** An unsigned INTEGER's contents without its sign byte, left-padded to `size` bytes. */
export function unsignedInteger(value: Uint8Array, size: number, offset: number): Uint8Array {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const digits = value.subarray(start);
  if (digits.length > size) throw new DerError('integer too large', offset);
  const out = new Uint8Array(size);
  out.set(digits, size - digits.length);
  return out;
}
