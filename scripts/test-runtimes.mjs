// npm run test:runtimes: runs runtimes/e2e.mjs (GET, POST on a reused connection, streaming, SSE, a timeout)
// in Deno, Bun and workerd against a Node loopback server, with the built core (dist/core.mjs).
//
// The runtimes come from their npm packages, pinned in runtimes/package.json and its lock, and are installed
// on demand into .cache/runtimes (gitignored), so `npm ci` for the normal suite stays light. A runtime that
// cannot be installed or started is reported as skipped, with why. Exit code 1 if any check failed.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../runtimes/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache', 'runtimes');
const bin = (name) => join(cache, 'node_modules', '.bin', name);
/** Bounds a runtime's whole run: a hang is a failure, not a wait forever. */
const RUN_LIMIT_MS = 120_000;

/** Installs the pinned runtimes into the cache unless the lock there is already the one installed. */
function install() {
  const lock = readFileSync(join(root, 'runtimes', 'package-lock.json'), 'utf8');
  const stamp = join(cache, '.installed-lock.json');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lock) return undefined;
  mkdirSync(cache, { recursive: true });
  copyFileSync(join(root, 'runtimes', 'package.json'), join(cache, 'package.json'));
  writeFileSync(join(cache, 'package-lock.json'), lock);
  console.log(`Installing deno, bun and workerd from npm into ${relative(root, cache)} ...`);
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: cache, encoding: 'utf8', shell: process.platform === 'win32' });
  if (npm.status !== 0) return `npm ci failed: ${(npm.stderr || npm.error?.message || '').trim().split('\n').slice(-3).join(' ')}`;
  writeFileSync(stamp, lock);
  return undefined;
}

/** The workerd config: the entry, the script and the built core with its chunks, as modules named by their paths. */
function workerdConfig() {
  const dist = join(root, 'dist');
  const modules = ['runtimes/workerd.mjs', 'runtimes/e2e.mjs', 'dist/core.mjs', ...readdirSync(join(dist, 'chunks')).filter((f) => f.endsWith('.mjs')).map((f) => `dist/chunks/${f}`)];
  const file = join(cache, 'workerd.capnp');
  writeFileSync(
    file,
    `# Written by scripts/test-runtimes.mjs. No nodejs_compat flag: the core must do without Node built-ins.
# The worker's outbound network (cloudflare:sockets connect()) may reach the loopback server only.
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker), (name = "loopback", network = (allow = ["local"]))],
);
const worker :Workerd.Worker = (
  modules = [
${modules.map((name) => `    (name = "${name}", esModule = embed "${relative(cache, join(root, name))}"),`).join('\n')}
  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
  bindings = [(name = "ORIGIN", fromEnvironment = "IO_HTTP_ORIGIN")],
);
`,
  );
  return file;
}

const runtimes = [
  { name: 'deno', args: (origin) => ['run', '--no-config', '--no-lock', '--allow-net=127.0.0.1', 'runtimes/deno.mjs', origin] },
  { name: 'bun', args: (origin) => ['runtimes/bun.mjs', origin] },
  { name: 'workerd', args: () => ['test', workerdConfig()] },
];

/** Runs `command`, resolving with its exit code and output (killed, and its code null, past `limitMs`). */
function runProcess(command, args, env, limitMs) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr + error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lastLines = (text, n = 6) => text.trim().split('\n').slice(-n).join('\n      ');

async function runRuntime(runtime, origin, installError) {
  const command = bin(runtime.name);
  if (installError) return { name: runtime.name, skipped: installError };
  if (!existsSync(command)) return { name: runtime.name, skipped: `${relative(root, command)} is missing after the install` };
  const env = { DENO_DIR: join(cache, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', IO_HTTP_ORIGIN: origin };
  const probe = await runProcess(command, ['--version'], env, 30_000);
  if (probe.code !== 0) return { name: runtime.name, skipped: `cannot start ${runtime.name}: ${lastLines(probe.stderr || probe.stdout, 2) || `exit ${probe.code}`}` };
  const version = probe.stdout.trim().split('\n')[0];
  const startedAt = Date.now();
  const run = await runProcess(command, runtime.args(origin), env, RUN_LIMIT_MS);
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const line = run.stdout.split('\n').find((l) => l.startsWith('IO_HTTP_RESULTS '));
  if (!line) {
    return { name: runtime.name, version, seconds, failed: `no results (exit ${run.code ?? `killed after ${RUN_LIMIT_MS} ms`}):\n      ${lastLines(run.stderr || run.stdout)}` };
  }
  const { results } = JSON.parse(line.slice('IO_HTTP_RESULTS '.length));
  return { name: runtime.name, version, seconds, results };
}

if (!existsSync(join(root, 'dist', 'core.mjs'))) {
  console.error('dist/core.mjs is missing: run `npm run build` first (npm run test:runtimes does)');
  process.exit(1);
}
const installError = install();
const server = await startServer();
let failed = false;
try {
  for (const runtime of runtimes) {
    const outcome = await runRuntime(runtime, server.origin, installError);
    if (outcome.skipped) {
      console.log(`\n${outcome.name}: SKIPPED — ${outcome.skipped}`);
      continue;
    }
    console.log(`\n${outcome.name} (${outcome.version}), ${outcome.seconds} s:`);
    if (outcome.failed) {
      failed = true;
      console.log(`  FAILED — ${outcome.failed}`);
      continue;
    }
    for (const result of outcome.results) {
      failed ||= !result.ok;
      console.log(`  ${result.ok ? 'ok  ' : 'FAIL'} ${result.name}: ${result.detail}`);
    }
  }
} finally {
  await server.close();
}
console.log(failed ? '\ntest:runtimes: some checks FAILED' : '\ntest:runtimes: every runtime that ran passed');
process.exit(failed ? 1 : 0);
