import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';

// One build for all entry points, so the subpaths share chunks (one copy of each class: instanceof works across them).
const input = {
  index: 'lib/index.ts',
  core: 'lib/core.ts',
  'adapters/node-tcp': 'adapters/node-tcp.ts',
  'adapters/node-tls': 'adapters/node-tls.ts',
  'adapters/forge-tls': 'adapters/forge-tls.ts',
  'adapters/in-memory': 'adapters/in-memory.ts',
};

const external = (id) => id === 'node-forge' || id.startsWith('node:') || builtinModules.includes(id);

// No comments in the emitted JS: V8 keeps a module's source text in the heap (the docs are in the .d.ts files
// and the source maps), a third of the bundle, ~0.3 MiB of RSS in every process that loads io-http.
const compile = () =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['lib/**/*.ts', 'adapters/**/*.ts'],
    compilerOptions: { noEmit: false, declaration: false, sourceMap: true, inlineSources: true, removeComments: true, types: ['node'] },
  });

const outputs = (format, ext) => ({
  dir: 'dist',
  format,
  entryFileNames: `[name].${ext}`,
  chunkFileNames: `chunks/[name]-[hash].${ext}`,
  sourcemap: true,
  exports: 'named',
});

// The `io-http` command (bin/): one ESM file with a shebang. Its imports of lib/index become imports of the
// package by its own name, 'io-http' (Node resolves it through package.json "exports" to dist/index.mjs), so the
// command and the library share one copy of each class: its errors are recognised with instanceof.
const libraryEntry = resolve('lib/index');
const libraryByName = {
  name: 'io-http-by-name',
  resolveId: (source, importer) =>
    importer !== undefined && source.startsWith('.') && resolve(importer, '..', source) === libraryEntry ? { id: 'io-http', external: true } : null,
};
const bin = {
  input: { 'bin/io-http': 'bin/io-http.ts' },
  external,
  plugins: [
    libraryByName,
    typescript({
      tsconfig: './tsconfig.json',
      include: ['bin/**/*.ts', 'lib/**/*.ts'],
      compilerOptions: { noEmit: false, declaration: false, sourceMap: true, inlineSources: true, types: ['node'] },
    }),
  ],
  output: { dir: 'dist', format: 'es', entryFileNames: '[name].mjs', banner: '#!/usr/bin/env node', sourcemap: true },
};

export default [
  { input, external, plugins: [compile()], output: [outputs('es', 'mjs'), outputs('cjs', 'cjs')] },
  {
    input,
    external,
    plugins: [dts({ tsconfig: './tsconfig.json', compilerOptions: { types: ['node'] } })],
    output: [
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.mts', chunkFileNames: 'chunks/[name]-[hash].d.mts' },
      { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts', chunkFileNames: 'chunks/[name]-[hash].d.cts' },
    ],
  },
  bin,
];
