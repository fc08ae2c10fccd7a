import { describe, expect, it } from 'vitest';
import { SystemdServiceController } from '../../src/main/platform/services/systemd.js';
import type { Clock } from '../../src/main/platform/services/wait-for-state.js';
import { ScriptedExec } from '../support/scripted-exec.js';

const UNIT = 'matrix-synapse.service';
const SHOW = ['show', '--property=LoadState,ActiveState,UnitFileState,Description', '--no-pager'];
const clock: Clock = { now: () => 0, sleep: async () => undefined };

describe('SystemdServiceController (systemctl, recorded outputs)', () => {
  it('reads state and start type from systemctl show; not-found is missing', async () => {
    const exec = new ScriptedExec([
      {
        match: { program: 'systemctl', args: [...SHOW, UNIT] },
        result: { stdoutFile: 'outsystems/systemd/show-active.txt' },
      },
      {
        match: { program: 'systemctl', args: [...SHOW, 'matrix-nope.service'] },
        result: { stdoutFile: 'outsystems/systemd/show-not-found.txt' },
      },
    ]);
    const controller = new SystemdServiceController(exec, { clock });
    expect(await controller.status(UNIT)).toEqual({
      name: UNIT,
      displayName: 'Synapse Matrix homeserver',
      state: 'running',
      startType: 'auto',
    });
    expect(await controller.status('matrix-nope.service')).toEqual({
      name: 'matrix-nope.service',
      state: 'missing',
    });
  });

  it('lists loaded units by prefix, skipping not-found ones', async () => {
    const exec = new ScriptedExec([
      {
        match: {
          program: 'systemctl',
          args: ['list-units', '--type=service', '--all', '--no-legend', '--plain', '--no-pager', 'matrix-*'],
        },
        result: { stdoutFile: 'outsystems/systemd/list-units.txt' },
      },
      {
        match: { program: 'systemctl', args: [...SHOW, 'matrix-postgres.service'] },
        result: { stdoutFile: 'outsystems/systemd/show-active.txt' },
      },
      {
        match: { program: 'systemctl', args: [...SHOW, UNIT] },
        result: { stdoutFile: 'outsystems/systemd/show-inactive.txt' },
      },
    ]);
    const services = await new SystemdServiceController(exec, { clock }).list('matrix-');
    expect(services.map((service) => [service.name, service.state, service.startType])).toEqual([
      ['matrix-postgres.service', 'running', 'auto'],
      [UNIT, 'stopped', 'manual'],
    ]);
  });

  it('stops and confirms with is-active', async () => {
    const exec = new ScriptedExec([
      { match: { program: 'systemctl', args: ['stop', UNIT] }, result: {} },
      {
        match: { program: 'systemctl', args: ['is-active', UNIT] },
        sequence: [
          { exitCode: 3, stdout: 'deactivating\n' },
          { exitCode: 3, stdout: 'inactive\n' },
        ],
      },
    ]);
    await new SystemdServiceController(exec, { clock }).stop(UNIT);
    expect(exec.commandLines()).toEqual([
      ['systemctl', 'stop', UNIT],
      ['systemctl', 'is-active', UNIT],
      ['systemctl', 'is-active', UNIT],
    ]);
  });

  it('maps access denied, unit not loaded and a failed start to clear errors', async () => {
    const exec = new ScriptedExec([
      {
        match: { program: 'systemctl', args: ['stop', UNIT] },
        result: { exitCode: 1, stderrFile: 'outsystems/systemd/stop-access-denied.txt' },
      },
      {
        match: { program: 'systemctl', args: ['stop', 'matrix-nope.service'] },
        result: { exitCode: 5, stderrFile: 'outsystems/systemd/stop-not-loaded.txt' },
      },
      {
        match: { program: 'systemctl', args: ['start', UNIT] },
        result: { exitCode: 1, stderrFile: 'outsystems/systemd/start-failed.txt' },
      },
    ]);
    const controller = new SystemdServiceController(exec, { clock });
    await expect(controller.stop(UNIT)).rejects.toMatchObject({
      failure: 'access-denied',
      message: expect.stringMatching(/sudo/),
    });
    await expect(controller.stop('matrix-nope.service')).rejects.toMatchObject({ failure: 'missing' });
    await expect(controller.start(UNIT)).rejects.toMatchObject({
      failure: 'failed',
      message: expect.stringMatching(/journalctl -u matrix-synapse.service/),
    });
  });
});
