// The bytes the end-to-end benchmarks are served, built once: the server (bench/server.mjs) writes each
// response as one pre-built Buffer, so its cost is a socket write and the same for every client. The SSE
// stream's text is also the input of the parser-only SSE case.

const MIB = 1024 * 1024;
export const SSE_EVENTS = 10_000;
const DATE = 'Wed, 02 Dec 2026 12:00:00 GMT';

const head = (status, fields) => `HTTP/1.1 ${status}\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;

function withLength(fields, body) {
  return Buffer.concat([Buffer.from(head('200 OK', [['Date', DATE], ['Server', 'bench'], ...fields, ['Content-Length', body.length]]), 'latin1'), body]);
}

/** `body` sent with Transfer-Encoding: chunked, cut into chunks of `size` bytes (the last one may be shorter). */
function chunked(fields, body, size) {
  const parts = [Buffer.from(head('200 OK', [['Date', DATE], ['Server', 'bench'], ...fields, ['Transfer-Encoding', 'chunked']]), 'latin1')];
  for (let at = 0; at < body.length; at += size) {
    const piece = body.subarray(at, at + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`, 'latin1'), piece, Buffer.from('\r\n', 'latin1'));
  }
  parts.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return Buffer.concat(parts);
}

/** 50 header fields in all: the common ones of an API response, then application fields up to 50. */
function fiftyFields() {
  const fields = [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Cache-Control', 'no-cache, no-store, must-revalidate'],
    ['Vary', 'Accept-Encoding, Origin'],
    ['ETag', 'W/"8a1-5f2b3c4d5e6f7a8b9c0d"'],
    ['Last-Modified', DATE],
    ['Strict-Transport-Security', 'max-age=63072000; includeSubDomains; preload'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Access-Control-Allow-Origin', '*'],
    ['Set-Cookie', 'session=9b1e4f2a7c3d5e6f8a0b1c2d3e4f5a6b; Path=/; HttpOnly; Secure; SameSite=Lax'],
    ['X-Request-Id', '3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d'],
    ['X-RateLimit-Limit', '5000'],
    ['X-RateLimit-Remaining', '4987'],
    ['X-RateLimit-Reset', '1764136800'],
  ];
  // Date, Server and Content-Length are added by withLength().
  for (let i = 0; fields.length < 47; i++) fields.push([`X-Bench-Field-${i}`, `value-${i}-${'v'.repeat(16)}`]);
  return fields;
}

/** One SSE event of about 100 bytes. */
const sseEvent = (i) => `id: ${i}\nevent: update\ndata: {"seq":${i},"status":"ok","payload":"${'p'.repeat(40)}"}\n\n`;

/** The event stream's text: SSE_EVENTS events. */
export function sseText() {
  let text = '';
  for (let i = 0; i < SSE_EVENTS; i++) text += sseEvent(i);
  return Buffer.from(text, 'utf8');
}

/** The event stream as a server that flushes every event sends it: one chunk per event. */
function sseResponse() {
  const fields = [['Content-Type', 'text/event-stream'], ['Cache-Control', 'no-cache']];
  const parts = [Buffer.from(head('200 OK', [['Date', DATE], ['Server', 'bench'], ...fields, ['Transfer-Encoding', 'chunked']]), 'latin1')];
  for (let i = 0; i < SSE_EVENTS; i++) {
    const event = Buffer.from(sseEvent(i), 'utf8');
    parts.push(Buffer.from(`${event.length.toString(16)}\r\n`, 'latin1'), event, Buffer.from('\r\n', 'latin1'));
  }
  parts.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return Buffer.concat(parts);
}

/** The body of the 1 MiB responses: not all one byte, so that nothing can take a shortcut on it. */
function mebibyte() {
  const body = Buffer.alloc(MIB);
  for (let i = 0; i < body.length; i++) body[i] = 0x61 + ((i * 7) % 26);
  return body;
}

/** Path → the whole response, head and body. What each client must receive: `bodyLength` bytes. */
export function responses() {
  const small = Buffer.from('Hello, World!');
  const large = mebibyte();
  const octets = [['Content-Type', 'application/octet-stream']];
  return new Map([
    ['/small', withLength([['Content-Type', 'text/plain; charset=utf-8']], small)],
    ['/headers50', withLength(fiftyFields(), small)],
    ['/large', withLength(octets, large)],
    ['/chunked1k', chunked(octets, large, 1024)],
    ['/chunked64k', chunked(octets, large, 64 * 1024)],
    ['/sse', sseResponse()],
  ]);
}

export const NOT_FOUND = Buffer.from(head('404 Not Found', [['Content-Length', 0]]), 'latin1');
export const SMALL_LENGTH = 13;
export { MIB };
