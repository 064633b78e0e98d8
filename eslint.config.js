// Type-aware lint: promise misuse and unsafe `any` matter most in network code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureCoreBans = {
  'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate'],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Pure cores take time from a Clock.' },
    { object: 'Math', property: 'random', message: 'Pure cores take a seeded Random.' },
  ],
  'no-restricted-imports': [
    'error',
    { patterns: ['node:fs*', 'node:net', 'node:http', 'node:dgram', 'node:child_process'] },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      'max-len': [
        'error',
        { code: 100, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreStrings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: [
      'src/core/**/*.ts',
      'src/protocol/**/*.ts',
      'src/server/tree/**/*.ts',
      'src/server/txn/**/*.ts',
      'src/server/session/**/*.ts',
      'src/server/watch/**/*.ts',
      'src/server/acl/**/*.ts',
      // The client's pure core (the I/O lives in node-transport, session-driver, client).
      'src/client/{connection-core,session-timers,request-queue,reply-router,frame-writer}.ts',
      'src/client/{pending,fifo,set-watches,watch-registry,host-provider,chroot}.ts',
      'src/client/{core-types,types}.ts',
    ],
    rules: pureCoreBans,
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
