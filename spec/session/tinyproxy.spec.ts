/**
 * The session through a real third-party proxy: tinyproxy (the Debian package `tinyproxy`), started on
 * 127.0.0.1 with a generated configuration (a free port, `Allow 127.0.0.1`, Basic auth, `ConnectPort` for the
 * https: origin's port), then stopped. When the `tinyproxy` binary is not installed, these tests are skipped
 * (and say so); nothing here installs it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyError } from '../../lib/index';
import { Session } from '../../lib/session/session';
import { localhostCert } from '../support/certs';
import { rejection } from '../support/failures';
import { closeServers, type Echo, echoRequest, httpServer, listen, type LoopbackServer } from '../support/servers';

const installed = spawnSync('tinyproxy', ['-v']).error === undefined;
if (!installed) console.info('tinyproxy.spec.ts: skipped, the tinyproxy binary is not installed (apt-get install tinyproxy to run it)');
const withTinyproxy = installed ? test : test.skip;

const cert = localhostCert();
const tls = { ca: cert.caPem };

let proxy: ChildProcess | undefined;
let proxyPort = 0;
let output = '';
let workDir = '';
let plain: LoopbackServer;
let secure: LoopbackServer;

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts connections on the port; gives up after `ms`. */
async function accepting(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`tinyproxy did not listen on ${port} within ${ms} ms; its output:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  if (!installed) return;
  plain = await httpServer(echoRequest);
  secure = await listen(https.createServer({ key: cert.keyPem, cert: cert.certPem }, echoRequest), { scheme: 'https' });
  proxyPort = await freePort();
  workDir = mkdtempSync(join(tmpdir(), 'io-http-tinyproxy-'));
  const config = join(workDir, 'tinyproxy.conf');
  writeFileSync(
    config,
    [`Port ${proxyPort}`, 'Listen 127.0.0.1', 'Timeout 30', 'MaxClients 20', 'Allow 127.0.0.1', `ConnectPort ${secure.port}`, 'BasicAuth pu pp', 'LogLevel Info', ''].join('\n'),
  );
  proxy = spawn('tinyproxy', ['-d', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  proxy.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proxy.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await accepting(proxyPort, 5000);
});

afterAll(async () => {
  if (proxy && proxy.exitCode === null) {
    const exited = new Promise((resolve) => proxy!.once('exit', resolve));
    proxy.kill();
    await exited;
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  await closeServers();
});

withTinyproxy('GET http: through tinyproxy with Basic proxy credentials; the origin gets none of them', async () => {
  await using session = new Session(`${plain.origin}/plain?x=1`, { proxy: `http://pu:pp@127.0.0.1:${proxyPort}` });
  const response = await session.send();
  expect(response.status).toBe(200);
  const echo = response.json<Echo>();
  expect(echo).toMatchObject({ method: 'GET', url: '/plain?x=1' });
  expect(echo.headers.via).toMatch(/tinyproxy/);
  expect(echo.headers['proxy-authorization']).toBeUndefined();
});

withTinyproxy('https: through a tinyproxy CONNECT tunnel, TLS by NodeTls and by ForgeTls', async () => {
  for (const transport of [undefined, 'forge-tls']) {
    await using session = new Session(`${secure.origin}/tunnel`, { proxy: `http://pu:pp@127.0.0.1:${proxyPort}`, tls, ...(transport ? { transport } : {}) });
    const first = await session.send();
    const second = await session.send({ method: 'POST', body: 'again' });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.json<Echo>().url).toBe('/tunnel');
    expect(second.json<Echo>()).toMatchObject({ method: 'POST', body: 'again' });
    expect(first.json<Echo>().headers['proxy-authorization']).toBeUndefined();
  }
  expect(output).toContain(`CONNECT 127.0.0.1:${secure.port}`);
});

withTinyproxy('wrong credentials: tinyproxy refuses the CONNECT (with a 401 and WWW-Authenticate): ERR_PROXY_AUTH_REQUIRED', async () => {
  await using session = new Session(secure.origin, { proxy: `http://pu:wrong@127.0.0.1:${proxyPort}`, tls });
  const error = await rejection(session.send());
  expect(error).toBeInstanceOf(ProxyError);
  expect(error).toMatchObject({ code: 'ERR_PROXY_AUTH_REQUIRED', status: 401 });
  expect(error.challenges).toEqual([{ scheme: 'Basic', params: { realm: 'Tinyproxy' } }]);
});
