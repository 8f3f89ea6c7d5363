// Lint config: typescript-eslint's recommended rules over every TypeScript source.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Without a message, a failing assert.ok makes node read the source to describe it, which can hang
// under tsx instead of failing.
const assertOkNeedsMessage = {
  selector: "CallExpression[callee.object.name='assert'][callee.property.name='ok'][arguments.length=1]",
  message: 'Give assert.ok a message (a bare one can hang under tsx instead of failing).',
};

// A test that reads the machine's date passes on the day it was written and fails on another: tests
// take "now" from their server's clock (test/support), the one place allowed to read the machine's.
const machineDate = [
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message:
      "A test must not read the machine's date: use the test server's clock (server.clock()) or a manualClock from test/support.",
  },
  {
    selector: "MemberExpression[object.name='Date'][property.name='now']",
    message:
      "A test must not read the machine's clock: use the test server's clock, a manualClock, or performance.now() for elapsed time.",
  },
];

export default tseslint.config(
  { ignores: ['out/', 'node_modules/', '.cache/', '.test-runs/', '.tally-data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-syntax': ['error', assertOkNeedsMessage],
      'no-console': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    ignores: ['test/support/**'],
    rules: { 'no-restricted-syntax': ['error', assertOkNeedsMessage, ...machineDate] },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['scripts/**/*.mjs', 'esbuild.mjs', 'test/**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        fetch: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
);
