// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code runs in Temporal's deterministic sandbox, and api/ is imported by it.
const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);
const simWall = { group: ['**/sim/**'], message: 'Production code never imports sim/ (see DESIGN.md).' };

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.capstan/', '.scratch/', 'dist/', 'coverage/'] },
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
  // One no-restricted-imports per file set: in flat config a later entry replaces an earlier one.
  {
    files: ['activities/**/*.ts', 'workers/**/*.ts', 'client/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [simWall] }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'No Node built-ins in workflow or api code: it must stay deterministic.' })),
          patterns: [simWall],
        },
      ],
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
