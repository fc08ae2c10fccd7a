import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layer arrows of docs/architecture.md, as import rules. Each entry: the folder, and the
// folders (under src/) its files must not import. Imports are matched by the folder names in the
// specifier (`../../systems/index.js` names `systems/`), which is how every import here is written.
const MAIN_LAYERS = ['api', 'app', 'cli', 'engine', 'host', 'platform', 'systems'];
const layerRules = [
  { folder: 'src/shared', forbidden: ['main', 'renderer', 'preload', ...MAIN_LAYERS], node: false },
  { folder: 'src/renderer', forbidden: ['main', 'preload', ...MAIN_LAYERS], node: false },
  { folder: 'src/preload', forbidden: ['main', 'renderer', ...MAIN_LAYERS], node: true },
  { folder: 'src/main/platform', forbidden: ['engine', 'systems', 'api', 'app', 'cli', 'host', 'renderer'] },
  { folder: 'src/main/engine', forbidden: ['systems', 'api', 'app', 'cli', 'host', 'renderer'] },
  { folder: 'src/main/systems', forbidden: ['api', 'app', 'cli', 'host', 'renderer'] },
  { folder: 'src/main/api', forbidden: ['app', 'cli', 'host', 'renderer'], products: 'index' },
  { folder: 'src/main/host', forbidden: ['app', 'cli', 'renderer'], products: 'index' },
  { folder: 'src/main/cli', forbidden: ['app', 'renderer'], products: 'index' },
  { folder: 'src/main/app', forbidden: ['cli', 'renderer'], products: 'index' },
];

// Node's globals, which neither shared code nor the renderer may use (they run in the browser too).
const NODE_GLOBALS = [
  'Buffer',
  'process',
  'global',
  'require',
  'module',
  '__dirname',
  '__filename',
  'setImmediate',
  'clearImmediate',
];

const folderPattern = (name) => `(^|/)${name}/`;

function layerConfig({ folder, forbidden, node = true, products }) {
  const patterns = [
    {
      regex: `${forbidden.map(folderPattern).join('|')}`,
      message: `${folder} must not import this layer (see the arrows in docs/architecture.md).`,
    },
  ];
  // `products: 'index'`: the products only through systems/index.ts and their SystemModule, never a product's own file.
  if (products === 'index')
    patterns.push({
      regex: '(^|/)systems/[^/]+/',
      message: `${folder} reaches the products only through systems/index.ts (SystemModule), not a product's own files.`,
    });
  const paths = [];
  if (!node) {
    patterns.push({ regex: '^node:', message: `${folder} runs in the browser too: no Node modules.` });
    for (const name of builtinModules.filter((m) => !m.startsWith('_') && !m.includes('/'))) {
      paths.push({ name, message: `${folder} runs in the browser too: no Node modules.` });
    }
  }
  return {
    files: [`${folder}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': ['error', { paths, patterns }],
      ...(node
        ? {}
        : {
            'no-restricted-globals': [
              'error',
              ...NODE_GLOBALS.map((name) => ({
                name,
                message: `${folder} runs in the browser too: no Node global \`${name}\`.`,
              })),
            ],
          }),
    },
  };
}

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '.tmp/**', 'tests/fixtures/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        window: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        WebSocket: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        AbortController: 'readonly',
        structuredClone: 'readonly',
        crypto: 'readonly',
        navigator: 'readonly',
        location: 'readonly',
        Blob: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // Type-aware: a promise nobody awaits loses its rejection (an unhandled rejection kills the CLI).
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  ...layerRules.map(layerConfig),
);
