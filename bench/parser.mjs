// Parser micro-benchmarks: io-http's Http11Protocol against llhttp as Node ships it (the C parser behind
// node:http, reached through process.binding('http_parser')), on the same bytes, in the same process.
// (The SSE parser is measured against eventsource-parser as the end-to-end case sse-parse.)
//
//   node bench/parser.mjs [--quick] [--json FILE]
//
// See docs/bench.md for what each column means and how the comparison is kept fair.
import { pathToFileURL } from 'node:url';
import { flags, importDist, measure, ratio, si, table } from './harness.mjs';

const core = await importDist('core.mjs');
const { Http11Protocol, HttpRequest } = core;

if (!process.noDeprecation) process.noDeprecation = true; // process.binding() is deprecated, but it is how Node's own http client gets llhttp
const { HTTPParser } = process.binding('http_parser');
const { kOnHeaders, kOnHeadersComplete, kOnBody, kOnMessageComplete } = HTTPParser;

// ---------------------------------------------------------------------------------------------------------
// Workloads: byte-exact responses, built once.

const DATE = 'Wed, 26 Nov 2025 06:00:00 GMT';
const crlf = (lines) => lines.map((l) => `${l}\r\n`).join('');

function smallResponse() {
  const body = 'Hello, World!'; // 13 bytes
  return Buffer.from(
    crlf(['HTTP/1.1 200 OK', `Date: ${DATE}`, 'Server: bench', 'Content-Type: text/plain; charset=utf-8', 'Connection: keep-alive', `Content-Length: ${body.length}`, '']) + body,
    'latin1',
  );
}

function jsonBody(size) {
  const items = [];
  let text = '';
  for (let i = 0; text.length < size; i++) {
    items.push({ id: i, name: `item-${i}`, active: i % 3 !== 0, tags: ['alpha', 'beta'], price: 9.99 + i, updated: '2025-11-26T06:00:00Z' });
    text = JSON.stringify({ items });
  }
  return text;
}

function apiResponse() {
  const body = jsonBody(2048);
  return Buffer.from(
    crlf([
      'HTTP/1.1 200 OK',
      `Date: ${DATE}`,
      'Server: nginx/1.25.3',
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: keep-alive',
      'Cache-Control: no-cache, no-store, must-revalidate',
      'Vary: Accept-Encoding, Origin',
      'X-Request-Id: 3f2b8c1e-9a4d-4e7b-8c2f-1d5e6a7b8c9d',
      'X-RateLimit-Limit: 5000',
      'X-RateLimit-Remaining: 4987',
      'X-RateLimit-Reset: 1764136800',
      'Strict-Transport-Security: max-age=63072000; includeSubDomains; preload',
      'X-Content-Type-Options: nosniff',
      'Access-Control-Allow-Origin: *',
      'ETag: W/"8a1-5f2b3c4d5e6f7a8b9c0d"',
      'Set-Cookie: session=9b1e4f2a7c3d5e6f8a0b1c2d3e4f5a6b; Path=/; HttpOnly; Secure; SameSite=Lax',
      '',
    ]) + body,
    'latin1',
  );
}

function chunkedResponse() {
  const chunk = 'x'.repeat(512);
  let body = '';
  for (let i = 0; i < 10; i++) body += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
  body += '0\r\nX-Checksum: 5d41402abc4b2a76b9719d911017c592\r\nServer-Timing: total;dur=12.5\r\n\r\n';
  return Buffer.from(
    crlf(['HTTP/1.1 200 OK', `Date: ${DATE}`, 'Server: bench', 'Content-Type: text/plain', 'Transfer-Encoding: chunked', 'Trailer: X-Checksum, Server-Timing', '']) + body,
    'latin1',
  );
}

function largeResponse() {
  const body = Buffer.alloc(64 * 1024);
  for (let i = 0; i < body.length; i++) body[i] = (i * 31 + 7) & 0xff;
  const head = Buffer.from(crlf(['HTTP/1.1 200 OK', `Date: ${DATE}`, 'Server: bench', 'Content-Type: application/octet-stream', `Content-Length: ${body.length}`, '']), 'latin1');
  return Buffer.concat([head, body]);
}

const small = smallResponse();
export const WORKLOADS = [
  { name: 'small (5 headers, 13 B body)', bytes: small, responses: 1 },
  { name: 'API (16 headers, 2 KiB JSON)', bytes: apiResponse(), responses: 1 },
  { name: 'chunked (10 x 512 B + trailers)', bytes: chunkedResponse(), responses: 1 },
  { name: '64 KiB Content-Length body', bytes: largeResponse(), responses: 1 },
  { name: 'pipelined 100 x small', bytes: Buffer.concat(Array.from({ length: 100 }, () => small)), responses: 100 },
];

/** The bytes whole, and in three pieces cut at 1/3 and 2/3 (sub-views of one buffer, as reads would be). */
function split(bytes, n) {
  if (n === 1) return [bytes];
  const cuts = [0];
  for (let i = 1; i < n; i++) cuts.push(Math.floor((bytes.length * i) / n));
  cuts.push(bytes.length);
  return cuts.slice(1).map((end, i) => bytes.subarray(cuts[i], end));
}

/**
 * A fresh Buffer holding `piece`, as a socket hands each read over. Both parsers get one per piece per run: the
 * io-http protocol owns its input and may move bytes within it (a chunked body's framing is removed in place), so
 * it must never see a piece again, and llhttp pays the same copy so that the ratio stays fair.
 */
function fresh(piece) {
  const copy = Buffer.allocUnsafe(piece.length);
  copy.set(piece);
  return copy;
}

// ---------------------------------------------------------------------------------------------------------
// io-http driver: one fresh Http11Protocol per response, exactly as a session drives it.

const REQUEST = HttpRequest.get('http://127.0.0.1:8080/bench', { headers: { Accept: '*/*' } });
const EMPTY = Buffer.alloc(0);

/** The request head the protocol writes, serialised once. */
const REQUEST_HEAD = new Http11Protocol(REQUEST).resume(undefined).value.bytes;

/**
 * Http11Protocol with the request head served from a cache: the parse-only measurement. llhttp parses only;
 * the io-http protocol also serialises and validates the request on its first step, which is measured
 * separately (the "+write" column).
 */
class ParseOnly extends Http11Protocol {
  serializeHead() {
    return REQUEST_HEAD;
  }
}

const STREAM = { stream: true };

/**
 * Parses `expected` responses from `pieces`. Buffered mode: each response completes with its headers and one
 * contiguous body (a view of the input when it arrived in one piece, else one joined copy). Stream mode: head
 * and body pieces are yielded and only their lengths are taken.
 */
function ioParse(Proto, options, pieces, expected, check) {
  let next = 0;
  let leftover = EMPTY;
  let acc = 0;
  for (let r = 0; r < expected; r++) {
    const protocol = new Proto(REQUEST, options);
    protocol.resume(undefined); // the write yield: the request head
    let input;
    let step;
    for (;;) {
      step = protocol.resume(input);
      if (step.done) break;
      const y = step.value;
      if (y.type === 'read') {
        if (leftover.length > 0) {
          input = leftover;
          leftover = EMPTY;
        } else input = fresh(pieces[next++]);
      } else {
        if (y.type === 'data') acc += y.bytes.length;
        input = undefined;
      }
    }
    const { response, remaining } = step.value;
    leftover = remaining;
    acc += response.headers.size + response.body.length + response.trailers.size;
    if (check) check.push({ status: response.status, headers: response.headers.size, body: response.body.length, trailers: response.trailers.size });
  }
  return acc;
}

// ---------------------------------------------------------------------------------------------------------
// llhttp driver, wired as lib/_http_common.js and lib/_http_client.js wire it: headers arrive as a flat
// [name, value, ...] array of strings (kOnHeaders carries partial heads and trailers), body pieces as Buffers
// (which Node's binding copies out of the input: that is part of what Node costs); the parser object is reused
// and initialize()d per response, as Node's client does.

function llhttpDriver(buffered) {
  const parser = new HTTPParser();
  const st = { raw: [], extra: [], pieces: [], status: 0, bodyLength: 0, acc: 0, check: undefined };
  parser[kOnHeaders] = (headers) => {
    // Partial heads (only past 32 fields) and trailer sections.
    for (let i = 0; i < headers.length; i++) st.extra.push(headers[i]);
  };
  parser[kOnHeadersComplete] = (_major, _minor, headers, _method, _url, status, _reason, _upgrade, _keepAlive) => {
    if (!headers) {
      headers = st.extra;
      st.extra = [];
    }
    st.raw = headers;
    st.status = status;
    st.bodyLength = 0;
    return 0;
  };
  parser[kOnBody] = buffered
    ? (b) => {
        st.pieces.push(b);
      }
    : (b) => {
        st.bodyLength += b.length;
      };
  parser[kOnMessageComplete] = () => {
    let bodyLength = st.bodyLength;
    if (buffered) {
      const body = st.pieces.length === 1 ? st.pieces[0] : Buffer.concat(st.pieces);
      bodyLength = body.length;
      st.pieces = [];
    }
    const trailers = st.extra.length >> 1;
    st.extra = [];
    st.acc += (st.raw.length >> 1) + bodyLength + trailers;
    st.check?.push({ status: st.status, headers: st.raw.length >> 1, body: bodyLength, trailers });
  };
  return function llParse(pieces, check) {
    st.acc = 0;
    st.check = check;
    parser.initialize(HTTPParser.RESPONSE, {});
    for (let i = 0; i < pieces.length; i++) {
      const n = parser.execute(fresh(pieces[i]));
      if (typeof n !== 'number') throw n;
    }
    return st.acc;
  };
}

// ---------------------------------------------------------------------------------------------------------

function variantsFor(w) {
  const whole = split(w.bytes, 1);
  const three = split(w.bytes, 3);
  const llBuf = llhttpDriver(true);
  const llStream = llhttpDriver(false);
  const n = w.responses;
  return {
    'llhttp': () => llBuf(whole),
    'io-http': () => ioParse(ParseOnly, undefined, whole, n),
    'llhttp 3pc': () => llBuf(three),
    'io-http 3pc': () => ioParse(ParseOnly, undefined, three, n),
    'io-http +write': () => ioParse(Http11Protocol, undefined, whole, n),
    'llhttp stream': () => llStream(whole),
    'io-http stream': () => ioParse(ParseOnly, STREAM, whole, n),
  };
}

/** Both parsers must see the same messages before their speed means anything. */
function verify(w) {
  const expectSame = (a, b, what) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${w.name}: ${what} differ:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`);
  };
  for (const n of [1, 3]) {
    const pieces = split(w.bytes, n);
    const ll = [];
    llhttpDriver(true)(pieces, ll);
    const io = [];
    ioParse(ParseOnly, undefined, pieces, w.responses, io);
    if (ll.length !== w.responses) throw new Error(`${w.name}: llhttp saw ${ll.length} responses`);
    expectSame(ll, io, `results (${n} piece(s))`);
  }
}

export function runParser({ quick = false } = {}) {
  const opts = quick ? { warmupMs: 100, rounds: 3, roundMs: 60 } : { warmupMs: 200, rounds: 5, roundMs: 100 };
  const results = [];
  for (const w of WORKLOADS) {
    verify(w);
    const fns = variantsFor(w);
    const r = measure(
      Object.entries(fns).map(([name, fn]) => ({ name, fn, ops: w.responses })),
      opts,
    );
    const pick = (field) => Object.fromEntries(Object.keys(fns).map((k) => [k, r[k][field]]));
    results.push({
      workload: w.name,
      wireBytes: w.bytes.length / w.responses,
      // Responses per second of CPU time (the headline numbers), and per wall-clock second.
      rates: pick('cpuRate'),
      wallRates: pick('rate'),
      spread: pick('cpuSpread'),
    });
    process.stderr.write(`  parser: ${w.name} done\n`);
  }
  return results;
}

export function parserTable(results) {
  const rows = [['workload', 'llhttp resp/s', 'io-http resp/s', 'io-http MB/s', 'ratio whole', 'ratio 3 pieces', 'ratio +write', 'ratio stream', 'ratio wall', 'spread']];
  for (const r of results) {
    const x = r.rates;
    const worst = Math.max(r.spread['io-http'], r.spread['llhttp']);
    rows.push([
      r.workload,
      si(x['llhttp']),
      si(x['io-http']),
      ((x['io-http'] * r.wireBytes) / 1e6).toFixed(0),
      ratio(x['io-http'], x['llhttp']),
      ratio(x['io-http 3pc'], x['llhttp 3pc']),
      ratio(x['io-http +write'], x['llhttp']),
      ratio(x['io-http stream'], x['llhttp stream']),
      ratio(r.wallRates['io-http'], r.wallRates['llhttp']),
      `${(worst * 100).toFixed(0)}%`,
    ]);
  }
  return table(rows);
}

// ---------------------------------------------------------------------------------------------------------

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { quick, json } = flags();
  const results = runParser({ quick });
  console.log('\nParser, responses per CPU-second (ratio = io-http / llhttp; > 1 means io-http is faster)\n');
  const text = parserTable(results);
  console.log(text);
  if (json) (await import('node:fs')).writeFileSync(json, JSON.stringify({ parser: results, table: text }, null, 2));
}
