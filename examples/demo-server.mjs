// The embedded server of `npm start` (examples/demo.mjs): HTTP and HTTPS on 127.0.0.1, with a certificate made on
// the spot with node-forge, and an endpoint for each thing the demo shows. Loopback only; nothing leaves the machine.
import { generateKeyPairSync } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { gzipSync } from 'node:zlib';
import forge from 'node-forge';

/** A CA and a certificate it signed for localhost and 127.0.0.1 (one key for both: this is a demo). */
export function makeCertificate() {
  const { pki } = forge;
  const { privateKey: keyPem } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const privateKey = pki.privateKeyFromPem(keyPem);
  const publicKey = pki.setRsaPublicKey(privateKey.n, privateKey.e);
  const certificate = (serial, subject, issuer, extensions) => {
    const cert = pki.createCertificate();
    cert.publicKey = publicKey;
    cert.serialNumber = serial;
    cert.validity.notBefore = new Date(Date.now() - 3600_000);
    cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
    cert.setSubject(subject);
    cert.setIssuer(issuer);
    cert.setExtensions(extensions);
    cert.sign(privateKey, forge.md.sha256.create());
    return pki.certificateToPem(cert);
  };
  const caName = [{ name: 'commonName', value: 'io-http demo CA' }];
  const caPem = certificate('01', caName, caName, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true },
  ]);
  const certPem = certificate('02', [{ name: 'commonName', value: 'localhost' }], caName, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
  ]);
  return { caPem, certPem, keyPem };
}

const USER = 'demo';
const PASS = 'secret';
/** How long /slow takes to answer, in ms: longer than the demo's timeout. */
export const SLOW_MS = 3000;

async function bodyOf(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Every endpoint of the demo. */
async function handle(req, res, timers) {
  const url = new URL(req.url, 'http://demo');
  const redirect = /^\/redirect\/(\d+)$/.exec(url.pathname);
  if (redirect) {
    const left = Number(redirect[1]);
    res.writeHead(302, { Location: left > 1 ? `/redirect/${left - 1}` : '/hello' }).end();
    return;
  }
  switch (url.pathname) {
    case '/hello':
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('Hello from the demo server');
      return;
    case '/json':
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ name: 'io-http', features: ['chunked', 'gzip', 'sse', 'tls'] }));
      return;
    case '/chunked':
      // No Content-Length: node:http sends the pieces with Transfer-Encoding: chunked.
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      for (const piece of ['one ', 'two ', 'three']) res.write(piece);
      res.end();
      return;
    case '/gzip':
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' }).end(gzipSync('This text travelled gzip-compressed.'));
      return;
    case '/echo': {
      const body = await bodyOf(req);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, contentType: req.headers['content-type'] ?? null, length: body.length, body: body.toString('utf8') }));
      return;
    }
    case '/events':
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      for (let n = 1; n <= 3; n++) res.write(`event: tick\nid: ${n}\ndata: tick number ${n}\n\n`);
      res.end();
      return;
    case '/private': {
      const expected = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="demo"', 'Content-Type': 'text/plain' }).end('Who are you?');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`Welcome, ${USER}`);
      return;
    }
    case '/slow':
      timers.add(setTimeout(() => res.end('Sorry I am late'), SLOW_MS));
      return;
    case '/download':
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': 1024 * 1024 }).end(Buffer.alloc(1024 * 1024, 0x2a));
      return;
    default:
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`No ${url.pathname} here`);
  }
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

/**
 * Starts the server on two free ports of 127.0.0.1: `http` and `https` are their origins (the https one named
 * localhost, as its certificate says), `caPem` the CA to trust, `credentials` those /private wants.
 */
export async function startDemoServer() {
  const { caPem, certPem, keyPem } = makeCertificate();
  const timers = new Set();
  const handler = (req, res) => handle(req, res, timers).catch(() => res.destroy());
  const plain = http.createServer(handler);
  const secure = https.createServer({ key: keyPem, cert: certPem }, handler);
  const [httpPort, httpsPort] = [await listen(plain), await listen(secure)];
  return {
    http: `http://127.0.0.1:${httpPort}`,
    https: `https://localhost:${httpsPort}`,
    caPem,
    credentials: { user: USER, pass: PASS },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await Promise.all([plain, secure].map((server) => new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      })));
    },
  };
}
