// The CLI contract against "real" installs (no --sandbox, --yes): local servers answering as
// SysReptor and Authgear over a practice engine's rows; secrets given as {file}, {env}, {stdin}.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTHGEAR_SANDBOX_USERS } from '../../src/main/systems/authgear/sandbox.js';
import { SANDBOX_USER_IDS } from '../../src/main/systems/sysreptor/sandbox.js';
import { startAdminApiServer } from '../support/authgear-admin-api-server.js';
import { independentAuthgearCheck, passwordTables, sandboxConfigDir } from '../support/authgear-sandbox.js';
import { runCliProcess } from '../support/cli-process.js';
import { freshDataDir, practiceEngines } from '../support/engine-harness.js';
import { findSecret } from '../support/leak-scan.js';
import type { LocalServer } from '../support/local-http.js';
import { deployDirFor, practiceToken, startSysReptorServer } from '../support/sysreptor-api-server.js';
import { djangoCheck, keysOfAppEnv, pentestUsers, sandboxDeployDir } from '../support/sysreptor-sandbox.js';

const NEW_PASSWORD = `Cli-real-'pw"-<&>-ü`;
const { fresh: engine } = practiceEngines('api-cli-');
const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function inputFile(content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-api-cli-input-'));
  const file = path.join(dir, 'in.json');
  fs.writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
  return file;
}

describe('breakglass run against real installs (API paths)', () => {
  it(
    'sysreptor.reset-password: the token from a file, the password from the environment',
    { timeout: 180_000 },
    async () => {
      const e = engine('sysreptor');
      const server = await startSysReptorServer(e);
      servers.push(server);
      const deployDir = await deployDirFor(e, server.port);
      const tokenFile = path.join(e.sandbox.filesRoot('sysreptor'), 'manager-api-token.txt');
      const dataDir = freshDataDir('api-cli-sr-run');
      const input = inputFile({
        deployDir,
        username: 'legacy.bob',
        newPassword: { env: 'SR_NEW_PASSWORD' },
        mustChangePassword: true,
        apiToken: { file: tokenFile },
      });
      const run = await runCliProcess(
        ['--data-dir', dataDir, 'run', 'sysreptor.reset-password', '--input', input, '--yes'],
        { SR_NEW_PASSWORD: NEW_PASSWORD },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const bob = (await pentestUsers(e)).find((row) => row.id === SANDBOX_USER_IDS.legacy);
      expect(bob?.must_change_password).toBe(true);
      const keys = keysOfAppEnv(path.join(sandboxDeployDir(e), 'app.env'));
      expect(djangoCheck(NEW_PASSWORD, bob?.password ?? Buffer.alloc(0), keys).accepted).toBe(true);
      const token = practiceToken(e, 'manager');
      const texts = { stdout: run.stdout, stderr: run.stderr };
      expect(findSecret(token, { dirs: [dataDir], texts })).toEqual([]);
      expect(findSecret(NEW_PASSWORD, { dirs: [dataDir], texts })).toEqual([]);
    },
  );

  it(
    'authgear.reset-password: the key from authgear.secrets.yaml, the password from stdin',
    { timeout: 120_000 },
    async () => {
      const e = engine('authgear');
      const server = await startAdminApiServer(e);
      servers.push(server);
      const dataDir = freshDataDir('api-cli-ag-run');
      const input = inputFile({
        configDir: sandboxConfigDir(e),
        loginId: 'alice@practice.example',
        newPassword: { stdin: true },
        setPasswordExpired: true,
        path: 'admin-api',
        adminApiUrl: `${server.origin}/_api/admin/graphql`,
      });
      const run = await runCliProcess(
        ['--data-dir', dataDir, 'run', 'authgear.reset-password', '--input', input, '--yes'],
        {},
        { stdin: `${NEW_PASSWORD}\n` },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const tables = await passwordTables(e);
      const id = tables.authenticators.find((row) => row.user_id === AUTHGEAR_SANDBOX_USERS.alice)?.id;
      const alice = tables.passwords.find((row) => row.id === id);
      expect(alice?.expire_after).not.toBeNull();
      expect(independentAuthgearCheck(NEW_PASSWORD, alice?.password_hash ?? '').accepted).toBe(true);
      expect(findSecret(NEW_PASSWORD, { dirs: [dataDir], texts: { stdout: run.stdout } })).toEqual([]);
    },
  );
});
