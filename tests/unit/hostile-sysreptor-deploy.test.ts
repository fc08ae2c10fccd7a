/** A SysReptor deploy folder whose files are a FIFO or a link to /dev/zero: refused at once naming deployDir. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/main/engine/types.js';
import { readSysReptorDeploy } from '../../src/main/systems/sysreptor/deploy.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-sysreptor-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe.runIf(process.platform !== 'win32')('hostile SysReptor deploy files', () => {
  it.each([
    ['docker-compose.yml', 'a FIFO'],
    ['docker-compose.yml', 'a link to /dev/zero'],
  ])('%s as %s', async (name, what) => {
    const dir = fs.mkdtempSync(path.join(scratch, 'deploy-'));
    const target = path.join(dir, name);
    if (what === 'a FIFO') execFileSync('mkfifo', [target]);
    else fs.symlinkSync('/dev/zero', target);
    const started = Date.now();
    const error = await readSysReptorDeploy(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe('deployDir');
    expect((error as InputError).message).toMatch(/docker-compose\.yml is not a regular file/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
