import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/**
 * node:tls and node:zlib cost a process memory at load (OpenSSL's context, the zlib bindings): the `io-http`
 * entry loads them on first use, an https: connection or a coded body, in both builds (`npm test` builds dist/
 * first). `process.moduleLoadList` names every built-in the process has loaded.
 */
describe('the io-http entry loads node:tls and node:zlib on first use', () => {
  const loaded = "['tls', 'zlib'].filter((name) => process.moduleLoadList.includes('NativeModule ' + name))";
  const script = (load: string) => `
    ${load}
    const out = { atLoad: ${loaded} };
    out.encodings = m.defaultDecoders.acceptEncoding();
    const decoded = m.defaultDecoders.get('gzip').decode({ next: async () => null });
    await decoded.next().catch(() => {});
    out.afterDecode = ${loaded};
    await m.defaultRegistry.get('https').open(new URL('https://127.0.0.1:9/'), { timeouts: { connect: 1000 } }).catch(() => {});
    out.afterHttps = ${loaded};
    console.log(JSON.stringify(out));
  `;
  const expected = { atLoad: [], encodings: 'gzip, deflate, br', afterDecode: ['zlib'], afterHttps: ['tls', 'zlib'] };

  test('ESM build', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script("const m = await import('io-http');")], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(expected);
  });

  test('CommonJS build', () => {
    const out = execFileSync(process.execPath, ['-e', `(async () => { ${script("const m = require('io-http');")} })()`], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(expected);
  });
});
