// Lint rules, and the layer boundaries of ../DESIGN.md as import restrictions:
// shared/ runs anywhere; the core, the host and the CLI never load Electron;
// the renderer reaches neither Node nor the core; the preload only Electron and shared/.
import js from '@eslint/js';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const noElectron = { name: 'electron', message: 'This layer runs without Electron (DESIGN.md: the core stays Electron-free so it runs in Node, the CLI and the headless host).' };
const nodeModules = nodeBuiltins.map((name) => ({ name, message: 'This layer runs in the browser: no Node modules.' }));

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron, ...nodeModules, { name: 'react', message: 'shared/ is UI-free.' }],
        patterns: [{ group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing else in the repo.' }],
      }],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/host/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron, { name: 'react', message: 'The core has no UI.' }],
        patterns: [
          { group: ['**/main/**', '**/preload/**', '**/main', '**/preload'], message: 'The core must not depend on the Electron shell.' },
          { group: ['**/renderer/**'], message: 'The core must not depend on the UI.' },
        ],
      }],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeModules,
        patterns: [{ group: ['**/core/**', '**/main/**', '**/renderer/**'], message: 'The sandboxed preload only bridges the contract.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ ...noElectron, message: 'The renderer reaches main only through src/client.' }, ...nodeModules],
        patterns: [{ group: ['**/electron/**'], message: 'The renderer reaches the backend only through src/client, never the core.' }],
      }],
    },
  },
);
