// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import capstan from './tools/lint/layers.js';

// Workflow code runs in Temporal's deterministic sandbox, and api/ is imported by it.
const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.capstan/', '.scratch/', 'dist/', 'coverage/', 'test/replay/releases/*/workflow-bundle.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // client-node's models are classes, but its own examples and the API accept plain objects.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  // DESIGN.md's layers (tools/lint/layers.js): an upward import fails the lint, and so `npm test`.
  { plugins: { capstan }, rules: { 'capstan/layer-imports': 'error' } },
  {
    files: ['workflows/**/*.ts', 'plan/**/*.ts', 'api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'No Node built-ins in workflow, plan or api code: it must stay deterministic.',
          })),
        },
      ],
    },
  },
  { files: ['eslint.config.js', 'tools/lint/*.js'], ...tseslint.configs.disableTypeChecked },
);
