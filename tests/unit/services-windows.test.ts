import { describe, expect, it } from 'vitest';
import { ServiceControlError } from '../../src/main/platform/services/control-errors.js';
import { iisReset } from '../../src/main/platform/services/iis.js';
import { WindowsServiceController } from '../../src/main/platform/services/windows.js';
import type { Clock } from '../../src/main/platform/services/wait-for-state.js';
import { ScriptedExec, type ScriptedAnswer } from '../support/scripted-exec.js';

const SERVICE = 'OutSystems Deployment Service';

function fakeClock(): Clock & { elapsed: () => number } {
  let now = 0;
  return { now: () => now, sleep: async (ms) => void (now += ms), elapsed: () => now };
}

const sc = (args: string[], file: string, exitCode = 0): ScriptedAnswer => ({
  match: { program: 'sc.exe', args },
  result: { exitCode, stdoutFile: `outsystems/sc/${file}` },
});

function controller(exec: ScriptedExec, clock = fakeClock()) {
  return new WindowsServiceController(exec, { clock, pollIntervalMs: 1000 });
}

describe('WindowsServiceController (sc.exe, recorded outputs)', () => {
  it('reads state from sc query and start type from sc qc', async () => {
    const exec = new ScriptedExec([
      sc(['query', SERVICE], 'query-running.txt'),
      sc(['qc', SERVICE], 'qc-deployment-auto.txt'),
    ]);
    expect(await controller(exec).status(SERVICE)).toEqual({
      name: SERVICE,
      displayName: SERVICE,
      state: 'running',
      startType: 'auto',
    });
    expect(exec.commandLines()).toEqual([
      ['sc.exe', 'query', SERVICE],
      ['sc.exe', 'qc', SERVICE],
    ]);
  });

  it('reports a service that does not exist (1060) as missing', async () => {
    const exec = new ScriptedExec([sc(['query', 'Nope'], 'query-missing-1060.txt', 1060)]);
    expect(await controller(exec).status('Nope')).toEqual({ name: 'Nope', state: 'missing' });
  });

  it('stops, then polls through STOP_PENDING until STOPPED, with progress lines', async () => {
    const exec = new ScriptedExec([
      sc(['stop', SERVICE], 'stop-accepted.txt'),
      {
        match: { program: 'sc.exe', args: ['query', SERVICE] },
        sequence: [
          { stdoutFile: 'outsystems/sc/query-stop-pending.txt' },
          { stdoutFile: 'outsystems/sc/query-stop-pending.txt' },
          { stdoutFile: 'outsystems/sc/query-stopped.txt' },
        ],
      },
    ]);
    const clock = fakeClock();
    const progress: string[] = [];
    await controller(exec, clock).stop(SERVICE, {
      timeoutMs: 60_000,
      onProgress: (line) => progress.push(line),
    });
    expect(exec.commandLines()).toEqual([
      ['sc.exe', 'stop', SERVICE],
      ['sc.exe', 'query', SERVICE],
      ['sc.exe', 'query', SERVICE],
      ['sc.exe', 'query', SERVICE],
    ]);
    expect(clock.elapsed()).toBe(2000);
    expect(progress).toEqual([
      `Stopping "${SERVICE}"`,
      `Waiting for "${SERVICE}" to be stopped: stop-pending after 0 s`,
      `Waiting for "${SERVICE}" to be stopped: stop-pending after 1 s`,
    ]);
  });

  it('treats "not started" (1062) on stop and "already running" (1056) on start as success, without polling', async () => {
    const exec = new ScriptedExec([
      sc(['stop', SERVICE], 'stop-not-started-1062.txt', 1062),
      sc(['start', SERVICE], 'start-already-running-1056.txt', 1056),
    ]);
    await controller(exec).stop(SERVICE);
    await controller(exec).start(SERVICE);
    expect(exec.commandLines()).toEqual([
      ['sc.exe', 'stop', SERVICE],
      ['sc.exe', 'start', SERVICE],
    ]);
  });

  it('starts and polls through START_PENDING until RUNNING', async () => {
    const exec = new ScriptedExec([
      sc(['start', SERVICE], 'start-accepted.txt'),
      {
        match: { program: 'sc.exe', args: ['query', SERVICE] },
        sequence: [
          { stdoutFile: 'outsystems/sc/query-start-pending.txt' },
          { stdoutFile: 'outsystems/sc/query-running.txt' },
        ],
      },
    ]);
    await controller(exec).start(SERVICE);
    expect(exec.requests).toHaveLength(3);
  });

  it('maps access denied (5) to "run as administrator"', async () => {
    const exec = new ScriptedExec([sc(['stop', SERVICE], 'stop-access-denied.txt', 5)]);
    const error = await controller(exec)
      .stop(SERVICE)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceControlError);
    expect(error).toMatchObject({ failure: 'access-denied', service: SERVICE });
    expect((error as Error).message).toMatch(/Run Breakglass as administrator/);
  });

  it('maps 1060 on stop and 1058 on start to clear messages', async () => {
    const exec = new ScriptedExec([
      sc(['stop', 'Nope'], 'stop-missing-1060.txt', 1060),
      sc(['start', SERVICE], 'start-disabled-1058.txt', 1058),
    ]);
    await expect(controller(exec).stop('Nope')).rejects.toMatchObject({
      failure: 'missing',
      message: expect.stringMatching(/no service named "Nope"/),
    });
    await expect(controller(exec).start(SERVICE)).rejects.toMatchObject({ failure: 'disabled' });
  });

  it('times out on a service stuck in STOP_PENDING, after the per-service timeout', async () => {
    const exec = new ScriptedExec([
      sc(['stop', SERVICE], 'stop-accepted.txt'),
      sc(['query', SERVICE], 'query-stop-pending.txt'),
    ]);
    const clock = fakeClock();
    const error = await controller(exec, clock)
      .stop(SERVICE, { timeoutMs: 5000 })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ failure: 'timeout' });
    expect((error as Error).message).toMatch(/did not become stopped within 5 s \(still stop-pending\)/);
    expect(clock.elapsed()).toBe(5000);
    expect(exec.requests.filter((request) => request.args[0] === 'query')).toHaveLength(6);
  });

  it('fails at once when a started service falls back to STOPPED', async () => {
    const exec = new ScriptedExec([
      sc(['start', SERVICE], 'start-accepted.txt'),
      sc(['query', SERVICE], 'query-stopped.txt'),
    ]);
    await expect(controller(exec).start(SERVICE)).rejects.toMatchObject({
      failure: 'failed',
      message: expect.stringMatching(/Event Log/),
    });
  });

  it('lists services by prefix from the full enumeration, with their start types', async () => {
    const exec = new ScriptedExec([
      sc(['query', 'type=', 'service', 'state=', 'all'], 'query-all-front-end.txt'),
      sc(['qc', 'OutSystems Deployment Controller Service'], 'qc-deployment-controller-disabled.txt'),
      sc(['qc', 'OutSystems Deployment Service'], 'qc-deployment-auto.txt'),
      sc(['qc', 'OutSystems Log Service'], 'qc-log-auto.txt'),
      sc(['qc', 'OutSystems Scheduler Service'], 'qc-scheduler-auto.txt'),
    ]);
    const services = await controller(exec).list('outsystems');
    expect(services).toEqual([
      {
        name: 'OutSystems Deployment Controller Service',
        displayName: 'OutSystems Deployment Controller Service',
        state: 'stopped',
        startType: 'disabled',
      },
      {
        name: 'OutSystems Deployment Service',
        displayName: 'OutSystems Deployment Service',
        state: 'running',
        startType: 'auto',
      },
      {
        name: 'OutSystems Log Service',
        displayName: 'OutSystems Log Service',
        state: 'running',
        startType: 'auto',
      },
      {
        name: 'OutSystems Scheduler Service',
        displayName: 'OutSystems Scheduler Service',
        state: 'running',
        startType: 'auto',
      },
    ]);
  });
});

describe('iisReset', () => {
  it('runs iisreset /stop and /start', async () => {
    const exec = new ScriptedExec([
      {
        match: { program: 'iisreset.exe', args: ['/stop'] },
        result: { stdoutFile: 'outsystems/iis/stop-ok.txt' },
      },
      {
        match: { program: 'iisreset.exe', args: ['/start'] },
        result: { stdoutFile: 'outsystems/iis/start-ok.txt' },
      },
    ]);
    await iisReset(exec, 'stop');
    await iisReset(exec, 'start');
    expect(exec.commandLines()).toEqual([
      ['iisreset.exe', '/stop'],
      ['iisreset.exe', '/start'],
    ]);
  });

  it('maps its access-denied text to "run as administrator"', async () => {
    const exec = new ScriptedExec([
      {
        match: { program: 'iisreset.exe', args: ['/stop'] },
        result: { exitCode: 1, stdoutFile: 'outsystems/iis/access-denied.txt' },
      },
    ]);
    await expect(iisReset(exec, 'stop')).rejects.toMatchObject({
      failure: 'access-denied',
      message: expect.stringMatching(/administrator/),
    });
  });
});
