/**
 * A secret given as {"env": "NAME"} never reaches a child's environment: real children (node and
 * sh) write the environment they got to a file, read back here unmasked.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSecretReferences } from '../../src/main/cli/input-file.js';
import { childEnvironment } from '../../src/main/platform/exec/child-env.js';
import { NodeExec } from '../../src/main/platform/exec/node-exec.js';
import { serverEnvironment } from '../../src/main/platform/postgres/server-layout.js';
import { systems } from '../../src/main/systems/index.js';
import { memoryIo } from '../support/cli-io.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-child-env-'));
const SECRET = 'Env-Secret-Value-5521';
const NAME = 'BREAKGLASS_HOSTILE_TEST_SECRET';
process.env[NAME] = SECRET;
process.env.BREAKGLASS_HOSTILE_SAME_VALUE = 'Other-Secret-8812';
afterAll(() => {
  delete process.env[NAME];
  delete process.env.BREAKGLASS_HOSTILE_SAME_VALUE;
  fs.rmSync(scratch, { recursive: true, force: true });
});

const drill = systems.flatMap((system) => system.procedures).find((p) => p.id === 'practice.drill');

/** The environment a real child got, as it wrote it to a file (not through the masked output). */
async function childEnv(program: 'node' | 'sh', secrets: string[] = [], extra?: Record<string, string>) {
  const out = path.join(scratch, `${program}-${Math.random().toString(16).slice(2)}.env`);
  const request =
    program === 'node'
      ? {
          program: process.execPath,
          args: ['-e', 'require("fs").writeFileSync(process.argv[1], JSON.stringify(process.env))', out],
        }
      : { program: 'sh', args: ['-c', 'env > "$0"', out] };
  const result = await new NodeExec().run({ ...request, secrets, env: extra });
  expect(result.exitCode).toBe(0);
  return fs.readFileSync(out, 'utf8');
}

describe('secret env vars and child processes', () => {
  it('a variable read as a secret reference is in no child environment afterwards (node, sh)', async () => {
    expect(await childEnv('node')).toContain(SECRET);
    const { io } = memoryIo({ env: process.env });
    const inputs = await resolveSecretReferences(drill!, { newPassword: { env: NAME } }, scratch, io);
    expect(inputs).toEqual({ newPassword: SECRET });
    for (const program of ['node', 'sh'] as const) {
      const env = await childEnv(program);
      expect(env).not.toContain(NAME);
      expect(env).not.toContain(SECRET);
      expect(env).toContain('PATH');
    }
  });

  it("an inherited variable holding one of the request's secrets is dropped; the request's own env is kept", async () => {
    const env = await childEnv('node', ['Other-Secret-8812'], { BREAKGLASS_CHILD_ONLY: 'given' });
    expect(env).not.toContain('Other-Secret-8812');
    expect(JSON.parse(env)).toMatchObject({ BREAKGLASS_CHILD_ONLY: 'given' });
  });

  it("the PostgreSQL launcher's environment never carries a hidden variable", async () => {
    const { io } = memoryIo({ env: { ...process.env, TMP: 'tmp-as-a-secret-1234' } });
    process.env.TMP = 'tmp-as-a-secret-1234';
    try {
      expect(serverEnvironment().TMP).toBe('tmp-as-a-secret-1234');
      await resolveSecretReferences(drill!, { newPassword: { env: 'TMP' } }, scratch, io);
      expect(serverEnvironment().TMP).toBeUndefined();
      expect(childEnvironment().TMP).toBeUndefined();
    } finally {
      delete process.env.TMP;
    }
  });
});
