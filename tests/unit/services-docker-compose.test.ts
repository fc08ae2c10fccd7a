import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DockerComposeServiceController,
  parseComposePs,
} from '../../src/main/platform/services/docker-compose.js';
import type { Clock } from '../../src/main/platform/services/wait-for-state.js';
import { readFixture, ScriptedExec } from '../support/scripted-exec.js';

const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-test-'));
fs.writeFileSync(path.join(projectDir, 'docker-compose.yml'), 'services: {}\n');
afterAll(() => fs.rmSync(projectDir, { recursive: true, force: true }));
const clock: Clock = { now: () => 0, sleep: async () => undefined };
const PS = ['compose', '-f', 'docker-compose.yml', 'ps', '--all', '--format', 'json'];

describe('DockerComposeServiceController (docker compose, recorded outputs)', () => {
  it('reads both the NDJSON and the older array output of ps', () => {
    expect(
      parseComposePs(readFixture('outsystems/docker/ps-running.ndjson')).map((c) => [c.Service, c.State]),
    ).toEqual([
      ['app', 'running'],
      ['db', 'running'],
    ]);
    expect(
      parseComposePs(readFixture('outsystems/docker/ps-array.json')).map((c) => [c.Service, c.State]),
    ).toEqual([
      ['app', 'running'],
      ['db', 'exited'],
    ]);
  });

  it('finds the compose file, runs in the project folder, and reports missing services', async () => {
    const exec = new ScriptedExec([
      { match: { program: 'docker', args: PS }, result: { stdoutFile: 'outsystems/docker/ps-array.json' } },
    ]);
    const controller = new DockerComposeServiceController(exec, { projectDir, clock });
    expect(await controller.status('db')).toEqual({ name: 'db', state: 'stopped', startType: 'unknown' });
    expect(await controller.status('redis')).toEqual({ name: 'redis', state: 'missing' });
    expect((await controller.list('a')).map((service) => service.name)).toEqual(['app']);
    expect(exec.requests.every((request) => request.cwd === projectDir)).toBe(true);
  });

  it('stops a service and waits until its container has exited', async () => {
    const exec = new ScriptedExec([
      {
        match: { program: 'docker', args: ['compose', '-f', 'docker-compose.yml', 'stop', 'app'] },
        result: {},
      },
      {
        match: { program: 'docker', args: PS },
        sequence: [
          { stdoutFile: 'outsystems/docker/ps-running.ndjson' },
          { stdoutFile: 'outsystems/docker/ps-app-exited.ndjson' },
        ],
      },
    ]);
    await new DockerComposeServiceController(exec, { projectDir, clock }).stop('app');
    expect(exec.commandLines().map((line) => line[4])).toEqual(['stop', 'ps', 'ps']);
  });

  it('maps permission denied and unknown services to clear errors', async () => {
    const exec = new ScriptedExec([
      {
        match: { program: 'docker', args: ['compose', '-f', 'docker-compose.yml', 'start', 'app'] },
        result: { exitCode: 1, stderrFile: 'outsystems/docker/permission-denied.txt' },
      },
      {
        match: { program: 'docker', args: ['compose', '-f', 'docker-compose.yml', 'start', 'nope'] },
        result: { exitCode: 1, stderrFile: 'outsystems/docker/no-such-service.txt' },
      },
    ]);
    const controller = new DockerComposeServiceController(exec, { projectDir, clock });
    await expect(controller.start('app')).rejects.toMatchObject({
      failure: 'access-denied',
      message: expect.stringMatching(/docker group/),
    });
    await expect(controller.start('nope')).rejects.toMatchObject({ failure: 'missing' });
  });

  it('says so when the project folder has no compose file', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-empty-'));
    const controller = new DockerComposeServiceController(new ScriptedExec(), { projectDir: empty, clock });
    await expect(controller.status('app')).rejects.toThrow(/No compose file in/);
    fs.rmSync(empty, { recursive: true });
  });
});
