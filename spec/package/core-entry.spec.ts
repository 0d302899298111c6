import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';

const root = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the core stays free of I/O', () => {
  const files = sources(join(root, 'lib')).filter((f) => relative(root, f) !== join('lib', 'index.ts'));

  test.each(files.map((f) => [relative(root, f)]))('%s imports only lib/ modules', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
    for (const specifier of specifiers) {
      expect(specifier.startsWith('.')).toBe(true);
      expect(specifier).not.toMatch(/adapters/);
    }
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(/\bBuffer\b/);
  });
});

describe('the built package', () => {
  // `npm test` builds first (pretest), so dist/ is this tree's.
  const hooks = join(mkdtempSync(join(tmpdir(), 'io-http-')), 'no-builtins.mjs');
  writeFileSync(
    hooks,
    `import { builtinModules } from 'node:module';
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier)) throw new Error('built-in imported: ' + specifier);
  return next(specifier, context);
}`,
  );
  const register = `data:text/javascript,import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});`;

  const run = (code: string, blockBuiltins: boolean): string =>
    execFileSync(process.execPath, [...(blockBuiltins ? ['--import', register] : []), '--input-type=module', '-e', code], {
      cwd: root,
      encoding: 'utf8',
    });

  test('io-http/core loads and parses a response with every Node built-in blocked', () => {
    const out = run(
      `import { Http11Protocol, HttpRequest, EOF } from 'io-http/core';
       const p = new Http11Protocol(HttpRequest.get('http://a.test/'));
       p.resume();
       const s = p.resume(new TextEncoder().encode('HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok'));
       console.log(s.done, s.value.response.status, s.value.response.text());`,
      true,
    );
    expect(out.trim()).toBe('true 200 ok');
  });

  test('io-http/core exports the body writer a caller acts on send-body with', () => {
    const out = run(
      `import { requestBodyWriter, HttpRequest } from 'io-http/core';
       const writer = requestBodyWriter(HttpRequest.get('http://a.test/'), true);
       const text = (a) => a.map((b) => new TextDecoder().decode(b)).join('');
       console.log(JSON.stringify(text(writer.write(new TextEncoder().encode('hi'))) + text(writer.end())));`,
      true,
    );
    expect(out.trim()).toBe(JSON.stringify('2\r\nhi\r\n0\r\n\r\n'));
  });

  test('the hook does block built-ins (so the test above can fail)', () => {
    expect(() => run(`await import('io-http/adapters/node-tcp');`, true)).toThrow(/built-in imported/);
  });

  test('io-http registers the Node transports, and loads as CommonJS too', () => {
    const out = execFileSync(
      process.execPath,
      ['-e', `const m = require('io-http'); console.log(typeof m.Session, !!m.defaultRegistry.get('http'), !!m.defaultRegistry.get('https'), !!require('io-http/core').defaultRegistry)`],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim()).toBe('function true true true');
  });

  test('io-http/core decodes gzip with the web DecompressionStream, with every Node built-in blocked', () => {
    // 'hello' gzipped (by node:zlib, level 9).
    const gzip = [...zlib.gzipSync('hello', { level: 9 })];
    const out = run(
      `import { defaultDecoders } from 'io-http/core';
       const pieces = [new Uint8Array(${JSON.stringify(gzip)})];
       const decoded = defaultDecoders.decoderOf('gzip').decode({ next: async () => pieces.shift() ?? null, cancel() {} });
       let text = '';
       for (let piece = await decoded.next(); piece; piece = await decoded.next()) text += new TextDecoder().decode(piece);
       console.log(defaultDecoders.acceptEncoding(), text);`,
      true,
    );
    expect(out.trim()).toBe('gzip, deflate hello');
  });

  test('io-http registers the node:zlib decoders: gzip, deflate, br', () => {
    const out = run(`import { defaultDecoders, NodeZlibDecoder } from 'io-http'; console.log(defaultDecoders.acceptEncoding(), defaultDecoders.get('br') instanceof NodeZlibDecoder);`, false);
    expect(out.trim()).toBe('gzip, deflate, br true');
  });
});
