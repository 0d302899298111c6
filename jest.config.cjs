/** Jest runs the TypeScript sources directly through ts-jest (compiled to CommonJS for the test run). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  setupFiles: ['<rootDir>/spec/support/proxy-environment.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'bundler', isolatedModules: true } }],
  },
  testTimeout: 20000,
};
