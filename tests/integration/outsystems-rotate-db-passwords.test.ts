// outsystems.rotate-db-passwords on the practice sandbox's real PostgreSQL roles.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/main/engine/engine.js';
import {
  checkConnectionStrings,
  expectedCredentials,
  MODULE_CONNECTION_KEYS,
} from '../../src/main/systems/outsystems/connection-strings.js';
import { dbSettingsFromHsconf } from '../../src/main/systems/outsystems/hsconf-db-settings.js';
import { HsConf } from '../../src/main/systems/outsystems/hsconf.js';
import { readHsconfSecret } from '../../src/main/systems/outsystems/hsconf-secrets.js';
import {
  APP_SETTINGS_FILE,
  liveModules,
  readAppSettingsFile,
} from '../../src/main/systems/outsystems/module-configs.js';
import { loadPrivateKey } from '../../src/main/systems/outsystems/private-key.js';
import { rotationUsers, type RotationUserKey } from '../../src/main/systems/outsystems/rotation-users.js';
import { practiceEngines, scriptedHooks } from '../support/engine-harness.js';

const PROCEDURE = 'outsystems.rotate-db-passwords';
const { fresh: engine } = practiceEngines('rotate-');

interface Snapshot {
  bytes: Buffer;
  doc: HsConf;
  key: Buffer;
  passwords: Map<RotationUserKey, { user: string; password: string }>;
}

async function snapshot(e: Engine): Promise<Snapshot> {
  await e.sandbox.databaseUrl(e.registry.system('outsystems'));
  const dir = path.join(e.sandbox.filesRoot('outsystems'), 'Platform Server');
  const bytes = fs.readFileSync(path.join(dir, 'server.hsconf'));
  const doc = HsConf.parse(bytes);
  const { key } = await loadPrivateKey(path.join(dir, 'private.key'));
  const passwords = new Map<RotationUserKey, { user: string; password: string }>();
  for (const user of rotationUsers(doc)) {
    const password = readHsconfSecret(doc, user.definition.section, user.definition.passwordKey, key)
      .value as string;
    passwords.set(user.key, { user: user.user, password });
  }
  return { bytes, doc, key, passwords };
}

async function logsIn(e: Engine, before: Snapshot, key: RotationUserKey, password: string): Promise<boolean> {
  const user = rotationUsers(before.doc).find((candidate) => candidate.key === key);
  const settings = { ...dbSettingsFromHsconf(before.doc, before.key, user!.role), password };
  return (await e.environment('sandbox', 'outsystems').db.test(settings)).ok;
}

/** server.hsconf with the chosen users' password values taken out: what must not change. */
function withoutPasswords(doc: HsConf, keys: RotationUserKey[]): string {
  const chosen = rotationUsers(doc).filter((user) => keys.includes(user.key));
  return doc.textWithValues((entry) =>
    chosen.some(
      (user) => user.definition.section === entry.section && user.definition.passwordKey === entry.key,
    )
      ? 'X'
      : undefined,
  );
}

const HOSTILE = {
  platformRuntime: `Rt-'q"]]>&<é☃;=}{-1a`,
  session: `Se-"quote'\`$(x)-ü-2B`,
};

describe('outsystems.rotate-db-passwords on the practice sandbox', () => {
  it('rotates exactly the chosen roles: old passwords fail, new ones log in; server.hsconf decrypts to them, other bytes unchanged; modules updated', async () => {
    const e = engine('full');
    const before = await snapshot(e);
    const chosen: RotationUserKey[] = ['platformAdmin', 'platformRuntime', 'session'];
    const prepared = await e.plan(PROCEDURE, { users: chosen, newPasswords: HOSTILE }, 'sandbox');
    expect(JSON.stringify(prepared.view)).not.toContain(HOSTILE.platformRuntime);
    expect(prepared.view.phases?.map((phase) => phase.id)).toEqual([
      'preflight',
      'prepare',
      'outage',
      'verify',
    ]);
    expect(prepared.view.outage).toMatchObject({ phase: 'outage', expectedMinutes: 30 });
    expect(prepared.view.outage?.stepIds[0]).toBe('stop-services');
    expect(prepared.view.outage?.stepIds.at(-1)).toBe('apply-settings');
    const hooks = scriptedHooks();
    const view = await e.start(prepared, hooks).done;
    expect(view.error ?? '').toBe('');
    expect(view.state).toBe('succeeded');
    // One confirmation of the whole outage, saying what goes down and for how long; no per-step outage prompts.
    const outagePrompts = hooks.prompts.filter((prompt) => prompt.kind === 'confirm-outage');
    expect(outagePrompts).toHaveLength(1);
    expect(outagePrompts[0]?.message).toMatch(/30 min/);
    expect(view.outage?.state).toBe('closed');

    const after = await snapshot(e);
    // The generated password (platformAdmin: none typed) is shown once, before the outage; the
    // journal says it was shown and stored, never the value.
    const generated = after.passwords.get('platformAdmin')!;
    const shown = hooks.prompts.filter((prompt) => prompt.kind === 'store-secrets');
    expect(shown).toHaveLength(1);
    expect(shown[0]?.reveal).toEqual([
      { label: `New password of ${generated.user}`, value: generated.password },
    ]);
    expect(hooks.prompts.indexOf(shown[0]!)).toBeLessThan(hooks.prompts.indexOf(outagePrompts[0]!));
    const journalText = fs.readFileSync(view.journalPath, 'utf8');
    expect(journalText).toContain('"secrets-shown"');
    expect(journalText).not.toContain(generated.password);
    expect(JSON.stringify(view)).not.toContain(generated.password);
    expect(view.afterwards?.[0]).toMatch(/outsystems\.reconfigure-farm/);
    expect(e.view(view.runId).afterwards).toEqual(view.afterwards);
    expect(e.report(view.runId, 'md').content).toMatch(/## Next\n\n- Run outsystems\.reconfigure-farm/);
    for (const key of ['platformAdmin', 'platformRuntime', 'logAdmin', 'logRuntime', 'session'] as const) {
      const old = before.passwords.get(key)!.password;
      const now = after.passwords.get(key)!.password;
      if (chosen.includes(key)) {
        expect(now).not.toBe(old);
        if (key in HOSTILE) expect(now).toBe(HOSTILE[key as keyof typeof HOSTILE]);
        expect(await logsIn(e, before, key, now)).toBe(true);
        expect(await logsIn(e, before, key, old)).toBe(false);
      } else {
        expect(now).toBe(old);
        expect(await logsIn(e, before, key, old)).toBe(true);
      }
    }
    expect(withoutPasswords(after.doc, chosen)).toBe(withoutPasswords(before.doc, chosen));
    const installDir = path.join(e.sandbox.filesRoot('outsystems'), 'Platform Server');
    const expected = expectedCredentials(after.doc, after.key);
    for (const module of await liveModules(installDir)) {
      const checks = checkConnectionStrings(
        await readAppSettingsFile(path.join(module.folder, APP_SETTINGS_FILE)),
        MODULE_CONNECTION_KEYS,
        expected,
        after.key,
      );
      expect(checks.map((check) => check.status)).toEqual(['current', 'current', 'current']);
    }
    const services = await e.sandbox.services('outsystems').list('');
    expect(services.every((service) => service.state === 'running')).toBe(true);
  });

  it('a rollback before the restart sets the old passwords again and restores server.hsconf byte for byte', async () => {
    const e = engine('rollback');
    const before = await snapshot(e);
    // The Configuration Tool fails applying: the run offers rollback (the point of no return is not passed).
    fs.writeFileSync(
      path.join(e.sandbox.filesRoot('outsystems'), 'practice.json'),
      JSON.stringify({ configurationToolFails: ['/UpgradeInstall'] }),
    );
    const hooks = scriptedHooks({ failure: 'rollback' });
    const view = await e.start(await e.plan(PROCEDURE, {}, 'sandbox'), hooks).done;
    expect(view.state).toBe('rolled-back');
    const failure = hooks.prompts.find((prompt) => prompt.kind === 'failure');
    expect(failure?.stepId).toBe('apply-configuration');
    expect(failure?.message).toMatch(/exit code 1/);
    const after = await snapshot(e);
    expect(createHash('sha256').update(after.bytes).digest('hex')).toBe(
      createHash('sha256').update(before.bytes).digest('hex'),
    );
    for (const [key, { password }] of before.passwords)
      expect(await logsIn(e, before, key, password)).toBe(true);
    const services = await e.sandbox.services('outsystems').list('');
    expect(services.every((service) => service.state === 'running')).toBe(true);
  });
});
