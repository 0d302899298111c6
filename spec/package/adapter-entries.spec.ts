/**
 * The adapter entries keep the names they export while their code moves between files (in-memory.ts re-exports
 * cassette, recording and replay; node-tcp.ts re-exports the socket plumbing of node-socket.ts). Checked on the
 * built package (`npm test` builds first), as ES module and as CommonJS, values and types.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

const entries: Record<string, { values: string[]; types: string[] }> = {
  'adapters/in-memory': {
    values: [
      'InMemoryFactory',
      'InMemoryTransport',
      'RecordingFactory',
      'RecordingTransport',
      'ReplayFactory',
      'ReplayMismatchError',
      'ReplayTransport',
      'checkCassette',
      'splitBytes',
    ],
    types: ['Cassette', 'CassetteEncoding', 'CassetteEvent', 'InMemoryPairOptions', 'RecordingOptions', 'Split'],
  },
  'adapters/node-tcp': {
    values: ['NodeTcp', 'SocketTransport', 'stripBrackets', 'whenOpen'],
    types: ['NodeTcpOptions', 'SocketOpening', 'SocketTransportOptions'],
  },
};

/** The names a built entry exports at run time, sorted. */
function runtimeNames(entry: string, format: 'import' | 'require'): string[] {
  const load = format === 'import' ? `await import('io-http/${entry}')` : `require('io-http/${entry}')`;
  const code = `const m = ${load}; console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort()));`;
  const args = format === 'import' ? ['--input-type=module', '-e', code] : ['-e', code];
  return JSON.parse(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' })) as string[];
}

/** The names in the `export { … }` and `export type { … }` lists of a built declaration file. */
function declaredNames(file: string): { values: string[]; types: string[] } {
  const text = readFileSync(join(root, 'dist', file), 'utf8');
  const list = (pattern: RegExp): string[] =>
    [...text.matchAll(pattern)].flatMap((m) => m[1].split(',').map((name) => name.trim())).filter(Boolean).sort();
  return { values: list(/^export \{([^}]*)\};$/gm), types: list(/^export type \{([^}]*)\};$/gm) };
}

describe.each(Object.entries(entries))('io-http/%s', (entry, expected) => {
  test.each(['import', 'require'] as const)('exports the same values when loaded with %s', (format) => {
    expect(runtimeNames(entry, format)).toEqual([...expected.values].sort());
  });

  test.each(['d.mts', 'd.cts'])('declares the same values and types in its .%s', (ext) => {
    expect(declaredNames(`${entry}.${ext}`)).toEqual({ values: [...expected.values].sort(), types: [...expected.types].sort() });
  });
});
