/**
 * The progress bar: the renderer on its own, then the real binary under a pseudo-terminal (util-linux `script`
 * gives it one as stdin, stdout and stderr) — a bar for `-o FILE`, none for stdout — and in pipes, where it never
 * draws one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatBytes, formatDuration, renderProgress } from '../../bin/progress';
import { closeServers, httpServer } from '../support/servers';
import { BIN, ROOT, runCli } from './run-cli';

afterEach(closeServers);

const MiB = 1024 * 1024;

describe('renderProgress', () => {
  test('a known length: percent, bar, bytes of total, rate and time left, within the width', () => {
    const line = renderProgress({ bytes: MiB / 2, total: MiB, elapsed: 1000, columns: 80 });
    expect(line).toMatch(/^ 50% \[#+-+\] 512 KiB \/ 1\.0 MiB {2}512 KiB\/s {2}ETA 0:01$/);
    const bar = /\[(#+)(-+)\]/.exec(line)!;
    expect(bar[1].length).toBe(Math.round((bar[1].length + bar[2].length) / 2));
    expect(line.length).toBeLessThanOrEqual(79);
  });

  test('the end of a known length says done; an unknown length shows bytes and rate only', () => {
    expect(renderProgress({ bytes: 2048, total: 2048, elapsed: 2000, columns: 80 })).toMatch(/^100% \[#+\] 2\.0 KiB \/ 2\.0 KiB {2}1\.0 KiB\/s {2}done$/);
    expect(renderProgress({ bytes: 3 * MiB, elapsed: 3000, columns: 80 })).toBe('3.0 MiB  1.0 MiB/s');
    expect(renderProgress({ bytes: 10, total: 100, elapsed: 0, columns: 80 })).toMatch(/^ 10% .* 0 B\/s {2}ETA --:--$/);
  });

  test('a narrow terminal: the bar goes first, the line never wraps', () => {
    for (const columns of [20, 40, 60]) {
      expect(renderProgress({ bytes: 123_456_789, total: 987_654_321, elapsed: 4321, columns }).length).toBeLessThanOrEqual(columns - 1);
    }
  });

  test('units', () => {
    expect([0, 1023, 1024, 1536, 10 * 1024, 5 * MiB, 3 * 1024 * MiB].map(formatBytes)).toEqual(['0 B', '1023 B', '1.0 KiB', '1.5 KiB', '10 KiB', '5.0 MiB', '3.0 GiB']);
    expect([0, 59.6, 75, 3725].map(formatDuration)).toEqual(['0:00', '1:00', '1:15', '1:02:05']);
  });
});

describe('the binary', () => {
  /** 300 000 bytes with a Content-Length, in three writes. */
  const download = Buffer.alloc(300_000, 'x');
  const downloadServer = () =>
    httpServer(async (_req, res) => {
      res.writeHead(200, { 'Content-Length': download.length });
      for (let i = 0; i < 3; i++) {
        res.write(download.subarray(i * 100_000, (i + 1) * 100_000));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      res.end();
    });
  const dir = mkdtempSync(join(tmpdir(), 'io-http-cli-'));

  /** Runs the binary in a pseudo-terminal; resolves with everything it wrote to the terminal and its exit code. */
  const inTerminal = (args: string[]): Promise<{ code: number | null; terminal: string }> =>
    new Promise((resolve, reject) => {
      const command = [process.execPath, BIN, ...args].map((arg) => `'${arg}'`).join(' ');
      const child = spawn('script', ['-q', '-e', '-f', '-c', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, COLUMNS: '80' } });
      let terminal = '';
      child.stdout.setEncoding('latin1').on('data', (chunk: string) => (terminal += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.on('error', reject).on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, terminal });
      });
      child.stdin.end();
    });

  const hasScript = spawnSync('script', ['--version']).status === 0;

  (hasScript ? test : test.skip)('stderr a terminal and -o FILE: a bar on stderr that ends at 100%; the file has the body', async () => {
    const server = await downloadServer();
    const file = join(dir, 'download.bin');
    const { code, terminal } = await inTerminal([server.url, '-o', file]);
    expect(code).toBe(0);
    expect(readFileSync(file).equals(download)).toBe(true);
    expect(terminal).toMatch(/\r100% \[#+\] 293 KiB \/ 293 KiB {2}\S+ \S+\/s {2}done\x1b\[K\r?\n/);
  });

  (hasScript ? test : test.skip)('a terminal but the body on stdout: no bar', async () => {
    const server = await downloadServer();
    const { code, terminal } = await inTerminal([server.url]);
    expect(code).toBe(0);
    expect(terminal.replace(/\r?\n/g, '')).toBe(download.toString('latin1'));
  });

  test('stderr a pipe: no bar, even with -o FILE', async () => {
    const server = await downloadServer();
    const file = join(dir, 'piped.bin');
    const run = await runCli([server.url, '-o', file]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.length).toBe(0);
    expect(readFileSync(file).length).toBe(download.length);
  });
});
