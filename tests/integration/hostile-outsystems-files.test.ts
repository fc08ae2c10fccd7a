/**
 * A server.hsconf or private.key that is a link to /dev/zero, a FIFO or a folder: refused at once
 * by discover, plan and the web host's discovery (which keeps serving), naming the field; a
 * private.key others can read is a warning.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApi } from '../../src/main/api/create-api.js';
import type { Engine } from '../../src/main/engine/engine.js';
import { InputError } from '../../src/main/engine/types.js';
import type { DiscoveryReport } from '../../src/shared/procedure.js';
import { freshDataDir, practiceEngines } from '../support/engine-harness.js';

const engines = practiceEngines('hostile-os-files-');
const posix = process.platform !== 'win32';

/** A copy of the sandbox's Platform Server folder, with `file` replaced by `make(path)`. */
async function installWith(engine: Engine, file: string, make: (target: string) => void): Promise<string> {
  await engine.sandbox.databaseUrl(engine.registry.system('outsystems'));
  const source = path.join(engine.sandbox.filesRoot('outsystems'), 'Platform Server');
  const dir = fs.mkdtempSync(path.join(path.dirname(source), 'hostile-install-'));
  for (const name of ['server.hsconf', 'private.key'])
    fs.copyFileSync(path.join(source, name), path.join(dir, name));
  fs.rmSync(path.join(dir, file));
  make(path.join(dir, file));
  return dir;
}

const hostile: Array<[string, (target: string) => void, RegExp]> = [
  ['a link to /dev/zero', (target) => fs.symlinkSync('/dev/zero', target), /not a regular file/],
  ['a FIFO', (target) => execFileSync('mkfifo', [target]), /not a regular file/],
  ['a folder', (target) => fs.mkdirSync(target), /is a folder, not a file/],
  [
    'larger than 1 MiB',
    (target) => fs.writeFileSync(target, Buffer.alloc(1024 * 1024 + 1, 0x20)),
    /larger than 1 MiB/,
  ],
];

function facts(report: DiscoveryReport) {
  return report.sections.flatMap((section) => section.facts);
}

describe.runIf(posix)('hostile Platform Server files', () => {
  it.each(hostile)(
    'server.hsconf as %s: discover says so at once, plan refuses naming database.installDir',
    async (_what, make, message) => {
      const engine = engines.fresh('hsconf');
      const installDir = await installWith(engine, 'server.hsconf', make);
      const started = Date.now();
      const report = await engine.discover('outsystems', { installDir }, 'sandbox');
      const hsconf = facts(report).find((fact) => fact.label === 'server.hsconf');
      expect(hsconf?.status).toBe('error');
      expect(hsconf?.value).toMatch(message);
      expect(hsconf?.value).not.toMatch(/EISDIR/);
      const error = await engine
        .plan(
          'outsystems.reset-admin-password',
          { newPassword: 'Sunny-Field-42', database: { source: 'hsconf', installDir } },
          'sandbox',
        )
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).field).toBe('database.installDir');
      expect((error as InputError).message).toMatch(message);
      expect(Date.now() - started).toBeLessThan(10_000);
    },
  );

  it.each(hostile)('private.key as %s: discover reports it and goes on', async (_what, make, message) => {
    const engine = engines.fresh('key');
    const installDir = await installWith(engine, 'private.key', make);
    const report = await engine.discover('outsystems', { installDir }, 'sandbox');
    const key = facts(report).find((fact) => fact.label === 'private.key');
    expect(key?.status).toBe('error');
    expect(key?.value).toMatch(message);
    expect(facts(report).find((fact) => fact.label === 'server.hsconf')?.status).toBe('ok');
  });

  it("the web host's discovery answers a FIFO at once and keeps serving", async () => {
    const engine = engines.fresh('api');
    const installDir = await installWith(engine, 'server.hsconf', (target) =>
      execFileSync('mkfifo', [target]),
    );
    const api = await createApi({
      dataDir: freshDataDir('hostile-os-api'),
      transport: 'web',
      emit: () => undefined,
    });
    try {
      const report = await api.handlers['discover.run']({
        system: 'outsystems',
        options: { installDir },
        environment: 'real',
      });
      expect(JSON.stringify(report)).toMatch(/not a regular file/);
      const listed = await api.handlers['procedures.list']({});
      expect(listed.procedures.length).toBeGreaterThan(0);
    } finally {
      await api.close();
    }
  });

  it('a private.key others can read is a warning in discover and in the plan', async () => {
    const engine = engines.fresh('readable');
    const installDir = await installWith(engine, 'private.key', (target) => {
      fs.copyFileSync(
        path.join(engine.sandbox.filesRoot('outsystems'), 'Platform Server', 'private.key'),
        target,
      );
      fs.chmodSync(target, 0o644);
    });
    const report = await engine.discover('outsystems', { installDir }, 'sandbox');
    const key = facts(report).find((fact) => fact.label === 'private.key');
    expect(key?.status).toBe('warn');
    expect(key?.value).toMatch(/can be read by other users \(mode 644\).*chmod 600/);
    const plan = await engine.plan(
      'outsystems.reset-admin-password',
      { newPassword: 'Sunny-Field-42', database: { source: 'hsconf', installDir } },
      'sandbox',
    );
    const fact = plan.view.facts.find((candidate) => candidate.label === 'private.key');
    expect(fact?.status).toBe('warn');
    expect(fact?.value).toMatch(/can be read by other users/);
    const rotation = await engine.plan('outsystems.rotate-db-passwords', { installDir }, 'sandbox');
    expect(rotation.view.facts.find((candidate) => candidate.label === 'private.key')?.status).toBe('warn');
    fs.chmodSync(path.join(installDir, 'private.key'), 0o600);
    const quiet = await engine.discover('outsystems', { installDir }, 'sandbox');
    expect(facts(quiet).find((candidate) => candidate.label === 'private.key')?.status).toBe('ok');
  });
});
