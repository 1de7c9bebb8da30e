// The lint gate `npm test` runs first (npm run lint). A modest rule set on purpose: ESLint's and typescript-eslint's
// recommended rules (syntax-level, no type information, so it stays fast: a few seconds) plus a few that catch real
// slips. TypeScript files get their globals from tsc, not from here (typescript-eslint turns no-undef off for them).
// Fixture projects are data other tools run, not our code, so they are left out.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**', 'out/**', 'node_modules/**', 'test-results/**', 'test/fixtures/**', 'test/e2e/workspaces/**',
      'test/e2e/.code-server-*/**', 'docs/benchmark-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.node } },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-throw-literal': 'error',
      'prefer-const': 'error',
      curly: ['error', 'multi-line'],
      'no-var': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // plain CommonJS scripts (build, speed scripts, e2e drivers)
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // page.evaluate callbacks in the playwright scripts run in the browser
    files: ['perf/panel.js', 'test/e2e/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
