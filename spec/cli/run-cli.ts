/**
 * Runs the built command line (`dist/bin/io-http.mjs`, which `npm test` builds first) in a child process, as a
 * user would, and collects its exit code, stdout (bytes) and stderr. Asynchronous, so that loopback servers in
 * the test's own process can answer it. A run that does not end within 15 s is killed (a hang is a failure).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'dist', 'bin', 'io-http.mjs');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface CliStart {
  child: ChildProcess;
  /** Resolves with each stdout chunk seen so far, once `text` is in it. */
  stdoutContains(text: string): Promise<void>;
  done: Promise<CliRun>;
}

export interface CliRunOptions {
  /** Written to stdin, which is then closed (default: stdin closed at once). */
  input?: string | Buffer;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts `io-http args...`; `done` resolves when it exits. */
export function startCli(args: readonly string[], options: CliRunOptions = {}): CliStart {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: 'pipe' });
  const stdout: Buffer[] = [];
  let stderr = '';
  const watchers: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    for (const watch of watchers) watch();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.end(options.input);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr });
    });
  });
  const stdoutContains = (text: string): Promise<void> =>
    new Promise((resolve) => {
      const watch = (): void => {
        if (Buffer.concat(stdout).includes(text)) resolve();
      };
      watchers.push(watch);
      watch();
    });
  return { child, stdoutContains, done };
}

/** Runs `io-http args...` to its end. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  return startCli(args, options).done;
}
