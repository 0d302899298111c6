/**
 * `io-http` over TLS: a node:https server on 127.0.0.1 with a certificate made in the test by node-forge, reached
 * with Node's TLS and with node-forge's (`--tls`), trusting the test CA through `--cacert`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localhostCert } from '../support/certs';
import { closeServers, listen } from '../support/servers';
import { runCli } from './run-cli';

afterEach(closeServers);

const cert = localhostCert();
const caFile = join(mkdtempSync(join(tmpdir(), 'io-http-cli-')), 'ca.pem');
writeFileSync(caFile, cert.caPem);

const secureServer = () => listen(https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => res.end(`secure ${req.url}`)), { scheme: 'https' });

test.each(['node', 'forge'])('--tls %s with --cacert: the body over TLS', async (tls) => {
  const server = await secureServer();
  const run = await runCli([`https://localhost:${server.port}/x`, '--cacert', caFile, '--tls', tls]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout.toString()).toBe('secure /x');
});

test('a certificate from an authority not trusted: exit 35, and --cacert is suggested', async () => {
  const server = await secureServer();
  const run = await runCli([`https://localhost:${server.port}/`]);
  expect(run.code).toBe(35);
  expect(run.stdout.length).toBe(0);
  expect(run.stderr).toMatch(/^io-http: The TLS certificate of localhost:\d+ is not signed by a trusted certificate authority.*\n  If you trust this server, pass the certificate of the authority that signed it with --cacert FILE\.\n$/);
});

test('a --cacert file that cannot be read: exit 26, nothing sent', async () => {
  const run = await runCli(['https://localhost:9/', '--cacert', join(tmpdir(), 'no-such-ca.pem')]);
  expect(run.code).toBe(26);
  expect(run.stderr).toMatch(/^io-http: Could not read .*no-such-ca\.pem \(--cacert\)/);
});
