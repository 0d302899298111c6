// TLS benchmark: ForgeTls (its TLS 1.3 client on WebCrypto) against NodeTls (OpenSSL), both to the same
// node:tls server on 127.0.0.1 (in a child process) with default settings, so TLS 1.3 with X25519 and an RSA
// 2048 certificate. Measured, interleaved, median over rounds: one handshake (connect + handshake + close), and
// reading 1 MiB over an open connection.
//
//   node bench/tls.mjs [--quick] [--json FILE]
import { generateKeyPairSync } from 'node:crypto';
import tls from 'node:tls';
import { fileURLToPath, pathToFileURL } from 'node:url';
import forge from 'node-forge';
import { flags, forkServer, importDist, median, ratio, si, since, spread, table } from './harness.mjs';

const MIB = 1024 * 1024;

/** A self-signed RSA 2048 certificate for 127.0.0.1, made with node:crypto (the key) and node-forge. */
function certificate() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const name = [{ name: 'commonName', value: 'io-http bench' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }]);
  cert.sign(key, forge.md.sha256.create());
  return { keyPem: privateKey, certPem: forge.pki.certificateToPem(cert) };
}

/** The server: every byte 'g' received is answered with 1 MiB. */
function serve({ keyPem, certPem }) {
  const body = Buffer.alloc(MIB, 0x61);
  const server = tls.createServer({ key: keyPem, cert: certPem }, (socket) => {
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      for (const byte of chunk) if (byte === 0x67) socket.write(body);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
}

async function startServer(cert) {
  const { child, port } = await forkServer(fileURLToPath(import.meta.url), ['--server'], cert);
  return { url: new URL(`https://127.0.0.1:${port}/`), stop: () => new Promise((resolve) => (child.once('exit', resolve), child.disconnect())) };
}

async function readMiB(transport) {
  let got = 0;
  while (got < MIB) {
    const chunk = await transport.read();
    if (!chunk) throw new Error('the server closed early');
    got += chunk.length;
  }
}

export async function runTls({ quick = false } = {}) {
  const { NodeTls } = await importDist('adapters/node-tls.mjs');
  const { ForgeTls } = await importDist('adapters/forge-tls.mjs');
  const cert = certificate();
  const server = await startServer(cert);
  const options = { tls: { ca: cert.certPem } };
  const clients = { NodeTls: new NodeTls(), ForgeTls: new ForgeTls() };
  const rounds = quick ? 3 : 7;
  const handshakes = quick ? 10 : 30;
  const transfers = quick ? 3 : 10;
  const times = Object.fromEntries(Object.keys(clients).map((name) => [name, { handshakeMs: [], handshakeCpuMs: [], mibPerSecond: [], mibCpuMs: [] }]));
  const cpuMs = (since0) => {
    const used = process.cpuUsage(since0);
    return (used.user + used.system) / 1000;
  };
  try {
    // Warm-up: JIT and WebCrypto key import paths.
    for (const factory of Object.values(clients)) {
      for (let i = 0; i < 5; i++) await (await factory.open(server.url, options)).close();
    }
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? ['ForgeTls', 'NodeTls'] : ['NodeTls', 'ForgeTls'];
      for (const name of order) {
        const factory = clients[name];
        const t0 = process.hrtime.bigint();
        const c0 = process.cpuUsage();
        for (let i = 0; i < handshakes; i++) await (await factory.open(server.url, options)).close();
        times[name].handshakeMs.push(since(t0) / handshakes);
        times[name].handshakeCpuMs.push(cpuMs(c0) / handshakes);
        const transport = await factory.open(server.url, options);
        const t1 = process.hrtime.bigint();
        const c1 = process.cpuUsage();
        for (let i = 0; i < transfers; i++) {
          await transport.write(Uint8Array.of(0x67));
          await readMiB(transport);
        }
        times[name].mibPerSecond.push((transfers * 1000) / since(t1));
        times[name].mibCpuMs.push(cpuMs(c1) / transfers);
        await transport.close();
      }
    }
  } finally {
    await server.stop();
  }
  const result = {};
  for (const [name, t] of Object.entries(times)) {
    result[name] = {
      handshakeMs: median(t.handshakeMs),
      handshakeCpuMs: median(t.handshakeCpuMs),
      handshakeSpread: spread(t.handshakeMs),
      mibPerSecond: median(t.mibPerSecond),
      mibCpuMs: median(t.mibCpuMs),
      transferSpread: spread(t.mibPerSecond),
    };
  }
  return result;
}

/**
 * Rows for the summary: ratio = ForgeTls / NodeTls speed (> 1: ForgeTls is faster), by wall clock and by the
 * client process's CPU time (which counts WebCrypto's and OpenSSL's worker threads, not the server's).
 */
function tlsRows(t) {
  const f = t.ForgeTls;
  const n = t.NodeTls;
  return [
    ['TLS 1.3 handshake: ForgeTls vs NodeTls', `${f.handshakeMs.toFixed(2)} ms, ${f.handshakeCpuMs.toFixed(2)} ms CPU`, `${n.handshakeMs.toFixed(2)} ms, ${n.handshakeCpuMs.toFixed(2)} ms CPU`, ratio(n.handshakeMs, f.handshakeMs), ratio(n.handshakeCpuMs, f.handshakeCpuMs)],
    ['TLS 1.3 read 1 MiB: ForgeTls vs NodeTls', `${si(f.mibPerSecond * MIB)}B/s, ${f.mibCpuMs.toFixed(1)} ms CPU`, `${si(n.mibPerSecond * MIB)}B/s, ${n.mibCpuMs.toFixed(1)} ms CPU`, ratio(f.mibPerSecond, n.mibPerSecond), ratio(n.mibCpuMs, f.mibCpuMs)],
  ];
}

const tlsHeader = ['comparison', 'ForgeTls', 'NodeTls', 'ratio (wall clock)', 'ratio (CPU time)'];

if (process.argv.includes('--server')) {
  process.once('message', serve);
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { quick, json } = flags();
  const t = await runTls({ quick });
  console.log('\nTLS over 127.0.0.1, medians (ratio = ForgeTls speed / NodeTls speed; > 1: ForgeTls is faster)\n');
  const text = table([tlsHeader, ...tlsRows(t)]);
  console.log(text);
  if (json) (await import('node:fs')).writeFileSync(json, JSON.stringify({ tls: t, table: text }, null, 2));
}
