// The one jest preset every package extends: @swc/jest for speed, workspace packages
// resolved from source so tests never depend on a prior build.
const path = require('node:path');

/** @param {string} dir the package directory (pass __dirname) */
module.exports = function jestPreset(dir, overrides = {}) {
  return {
    rootDir: dir,
    testEnvironment: 'node',
    transform: {
      '^.+\\.(t|j)s$': [
        '@swc/jest',
        {
          jsc: { parser: { syntax: 'typescript', decorators: false }, target: 'es2022' },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        },
      ],
    },
    moduleNameMapper: {
      // Prisma's generated client (and nodenext code) import siblings as './x.js'.
      '^(\\.{1,2}/.*)\\.js$': '$1',
      '^@runfleet/([a-z-]+)$': path.join(__dirname, 'packages/$1/src/index.ts'),
    },
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    ...overrides,
  };
};
