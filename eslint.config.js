// Lint: type-aware rules that catch what tsc does not — above all a promise
// nobody awaits (a lost error in a daemon that must not lose alarms) and a
// switch that forgets a state of a union.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'web-ui/dist/**', 'node_modules/**', 'var/**', '.tap/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // tap runs a file's top-level t.test() calls itself; everything else must be awaited.
        { allowForKnownSafeCalls: [{ from: 'package', name: ['test', 'before', 'teardown'], package: '@tapjs/core' }, { from: 'package', name: ['test', 'before', 'teardown'], package: '@tapjs/test' }] },
      ],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/only-throw-error': 'error',
      'no-console': 'off',
    },
  },
  {
    // The web UI: its own compiler settings (DOM, preact JSX), the same rules.
    files: ['web-ui/src/**/*.ts', 'web-ui/src/**/*.tsx'],
    languageOptions: { parserOptions: { project: './web-ui/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    // An async event handler (onSubmit={submit}) is how forms are written here; the handlers catch their
    // own failures (the API wrapper never throws), so a promise returned to the DOM loses nothing.
    rules: { '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }] },
  },
  {
    files: ['web-ui/test/**/*.ts'],
    languageOptions: { parserOptions: { project: './web-ui/test/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', module: 'writable', require: 'readonly' } },
  },
);
