// Lint for the whole monorepo: ESLint's and typescript-eslint's recommended rules, without
// type information so `npm test` stays fast (tsc -b already type-checks everything).
const js = require('@eslint/js');
const { defineConfig, globalIgnores } = require('eslint/config');
const globals = require('globals');
const reactHooks = require('eslint-plugin-react-hooks');
const tseslint = require('typescript-eslint');

module.exports = defineConfig(
  globalIgnores(['**/dist/', '**/node_modules/', '**/src/generated/', '**/coverage/', 'bench/results/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `const crypto = require('node:crypto')` shadows Node's global of the same name on purpose.
      'no-redeclare': ['error', { builtinGlobals: false }],
      // Rethrowing with the cause's message folded into a readable one is an accepted pattern here.
      'preserve-caught-error': 'off',
      // An argument or catch binding kept for its position is marked with a leading underscore.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The workspace's own scripts and configs are CommonJS run by plain Node.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The console runs in the browser: DOM globals, ES modules, and the rules of hooks.
    files: ['console/**/*.{ts,tsx}'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['**/test/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
    rules: {
      // Tests build partial fakes of clients and events; `as any` there is deliberate.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
