/** Base64 (RFC 4648 §4, standard alphabet, with `=` padding) of arbitrary bytes, without btoa or a runtime's own encoder. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The base64 text of `bytes`: 4 characters per 3 bytes, the last group padded with `=`. */
export function base64Encode(bytes: Uint8Array): string {
  const chars: string[] = [];
  const full = bytes.length - (bytes.length % 3);
  let i = 0;
  for (; i < full; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    chars.push(ALPHABET[n >>> 18], ALPHABET[(n >>> 12) & 63], ALPHABET[(n >>> 6) & 63], ALPHABET[n & 63]);
  }
  const rest = bytes.length - full;
  if (rest === 1) {
    const n = bytes[i] << 16;
    chars.push(ALPHABET[n >>> 18], ALPHABET[(n >>> 12) & 63], '=', '=');
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    chars.push(ALPHABET[n >>> 18], ALPHABET[(n >>> 12) & 63], ALPHABET[(n >>> 6) & 63], '=');
  }
  return chars.join('');
}
