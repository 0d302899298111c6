import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { builtinModules } from 'node:module';

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

const compile = () =>
  typescript({
    tsconfig: './tsconfig.json',
    include: ['lib/**/*.ts', 'adapters/**/*.ts'],
    compilerOptions: { noEmit: false, declaration: false, sourceMap: true, inlineSources: true, types: ['node'] },
  });

const outputs = (format, ext) => ({
  dir: 'dist',
  format,
  entryFileNames: `[name].${ext}`,
  chunkFileNames: `chunks/[name]-[hash].${ext}`,
  sourcemap: true,
  exports: 'named',
});

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
];
