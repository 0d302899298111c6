/**
 * A script that does not close its session still ends once its last request is done: kept-alive connections
 * left idle in the pool do not hold the Node process (the transport is told it is idle and unrefs its socket),
 * as with undici. A connection in use does hold it. Run in a child process over the built package.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { closeServers, httpServer } from '../support/servers';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

afterEach(closeServers);

/** Runs `code` as an ES module with the session entry and the server URL; resolves with its output and run time. */
async function script(code: string, url: string): Promise<{ stdout: string; ms: number }> {
  const started = Date.now();
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `import { Session } from 'io-http';\n${code}`, url], { cwd: root, timeout: 15_000 });
  return { stdout, ms: Date.now() - started };
}

test('an idle kept-alive connection does not keep the process alive', async () => {
  const server = await httpServer((_req, res) => res.end('hi'));
  server.server.keepAliveTimeout = 60_000; // the server would keep it for a minute
  const { stdout, ms } = await script(
    `const session = new Session(process.argv[1], { idleTimeout: 30_000 });
     const response = await session.send();
     console.log(response.status, response.text(), response.headers.get('connection'));`,
    server.url,
  );
  expect(stdout.trim()).toBe('200 hi keep-alive');
  // Without the unref the process waits for the 30 s idle timeout (the run fails at 15 s).
  expect(ms).toBeLessThan(10_000);
  expect(server.sockets).toHaveLength(1);
});

test('a connection in use holds the process until its response has come', async () => {
  const server = await httpServer((_req, res) => setTimeout(() => res.end('late'), 300));
  const { stdout } = await script(
    `const session = new Session(process.argv[1], { idleTimeout: 30_000 });
     await session.send();                                   // parks the connection (unref'd)
     session.send().then((r) => console.log(r.status, r.text()));   // takes it again: it must hold the process
     `,
    server.url,
  );
  expect(stdout.trim()).toBe('200 late');
});
