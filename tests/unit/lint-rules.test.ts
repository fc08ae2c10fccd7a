import path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The layer arrows of docs/architecture.md and the TypeScript side configs are held by tooling:
// each case feeds a deliberately bad file to the project's own config and expects it refused.

const root = path.resolve(import.meta.dirname, '../..');

// Import rules need no type information: the probes are virtual files, linted without the project service.
const importLinter = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
});

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await importLinter.lintText(code, { filePath: path.join(root, filePath) });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('layer import rules (npm run lint)', () => {
  const refused: Array<[string, string, string]> = [
    ['src/shared/probe.ts', "import { Engine } from '../main/engine/engine.js';", 'no-restricted-imports'],
    ['src/shared/probe.ts', "import fs from 'node:fs';", 'no-restricted-imports'],
    ['src/shared/probe.ts', "import fs from 'fs';", 'no-restricted-imports'],
    [
      'src/shared/probe.ts',
      'export const isBytes = (v: unknown) => Buffer.isBuffer(v);',
      'no-restricted-globals',
    ],
    ['src/shared/probe.ts', 'export const env = process.env;', 'no-restricted-globals'],
    ['src/renderer/probe.ts', "import { systems } from '../main/systems/index.js';", 'no-restricted-imports'],
    [
      'src/renderer/screens/probe.ts',
      "import { MASK } from '../../main/api/types.js';",
      'no-restricted-imports',
    ],
    ['src/renderer/probe.ts', "import path from 'node:path';", 'no-restricted-imports'],
    ['src/main/engine/probe.ts', "import { systems } from '../systems/index.js';", 'no-restricted-imports'],
    [
      'src/main/engine/sandbox/probe.ts',
      "import x from '../../systems/outsystems/hash.js';",
      'no-restricted-imports',
    ],
    [
      'src/main/platform/db/probe.ts',
      "import { Engine } from '../../engine/engine.js';",
      'no-restricted-imports',
    ],
    ['src/main/platform/probe.ts', "import { systems } from '../systems/index.js';", 'no-restricted-imports'],
    ['src/main/host/probe.ts', "import { ExitCode } from '../cli/io.js';", 'no-restricted-imports'],
    ['src/main/api/probe.ts', "import { startWebHost } from '../host/web-host.js';", 'no-restricted-imports'],
    [
      'src/main/cli/commands/probe.ts',
      "import { hashSynapsePassword } from '../../systems/synapse/hash.js';",
      'no-restricted-imports',
    ],
  ];
  it.each(refused)('%s: refuses %s', async (file, code, rule) => {
    expect(await ruleIdsFor(file, `${code}\nexport {};\n`)).toContain(rule);
  });

  const allowed: Array<[string, string]> = [
    ['src/renderer/probe.ts', "import { MASK } from '../shared/redact.js';"],
    ['src/main/engine/probe.ts', "import { writeFileAtomic } from '../platform/files/atomic-write.js';"],
    ['src/main/cli/probe.ts', "import { startWebHost } from '../host/web-host.js';"],
    ['src/main/cli/commands/probe.ts', "import { systems } from '../../systems/index.js';"],
    ['src/main/systems/probe.ts', "import type { SystemModule } from '../engine/types.js';"],
  ];
  it.each(allowed)('%s: allows %s', async (file, code) => {
    const ids = await ruleIdsFor(file, `${code}\nexport {};\n`);
    expect(ids.filter((id) => id.startsWith('no-restricted'))).toEqual([]);
  });
});

describe('type-aware lint', () => {
  it('refuses a floating promise', async () => {
    const linter = new ESLint({ cwd: root, ignore: false });
    const [result] = await linter.lintFiles([path.join(root, 'tests/fixtures/lint/floating-promise.ts')]);
    expect(result?.messages.map((message) => message.ruleId)).toContain(
      '@typescript-eslint/no-floating-promises',
    );
  }, 120_000);
});

describe('TypeScript side configs (npm run typecheck)', () => {
  function diagnosticsUnder(configPath: string, code: string): string[] {
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(root, configPath),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
          throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
        },
      },
    );
    if (!config) throw new Error(`cannot read ${configPath}`);
    const probe = path.join(path.dirname(path.join(root, configPath)), '__probe__.ts');
    const host = ts.createCompilerHost(config.options);
    const readFile = host.readFile.bind(host);
    host.readFile = (file) => (path.resolve(file) === probe ? code : readFile(file));
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (file) => path.resolve(file) === probe || fileExists(file);
    const program = ts.createProgram([probe], config.options, host);
    return ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  }

  it('the renderer has the DOM and no Node types', () => {
    expect(diagnosticsUnder('src/renderer/tsconfig.json', 'export const title = document.title;')).toEqual(
      [],
    );
    expect(
      diagnosticsUnder('src/renderer/tsconfig.json', "export const b = Buffer.from('x');").join(),
    ).toMatch(/Cannot find name 'Buffer'/);
    expect(diagnosticsUnder('src/renderer/tsconfig.json', 'export const e = process.env;').join()).toMatch(
      /Cannot find name 'process'/,
    );
  });

  it('the main side has Node types and no DOM', () => {
    expect(diagnosticsUnder('tsconfig.json', "export const b = Buffer.from('x');")).toEqual([]);
    expect(diagnosticsUnder('tsconfig.json', 'export const title = document.title;').join()).toMatch(
      /Cannot find name 'document'/,
    );
  });
});
