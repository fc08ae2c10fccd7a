/**
 * Plans that span machines, with a tiny farm procedure of the test's own over real files (one folder
 * per "host"): a fan-out phase runs each host's steps in its own lane, at most `concurrency` at once;
 * a failed host ends only its own lane; what the phase does then (`ask`, `continue`); per-host state in
 * the run view, the journal, the report and the CLI's words; a resume that redoes no finished host;
 * per-step times; and the planning rules (every step names a host, none is manual).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderRunOutcome } from '../../src/main/cli/render.js';
import { Engine } from '../../src/main/engine/engine.js';
import { readJournal } from '../../src/main/engine/journal.js';
import {
  StepFailure,
  type PhaseDefinition,
  type ProcedureDefinition,
  type StepDefinition,
  type SystemModule,
} from '../../src/main/engine/types.js';
import type { Decision, Prompt } from '../../src/shared/procedure.js';

const inputs = z.object({
  root: z.string(),
  hosts: z.array(z.string()),
  concurrency: z.number(),
  onHostFailure: z.enum(['ask', 'continue']),
  /** Hosts whose reach check fails while the file `<root>/<host>/unreachable` exists. */
  shape: z.enum(['fine', 'manual-step', 'no-host']).default('fine'),
});

/** Per step id: how many times it ran; lanes running at once, and the most seen. */
const ran = new Map<string, number>();
let running = 0;
let mostAtOnce = 0;

const pause = () => new Promise((resolve) => setTimeout(resolve, 15));
const count = (id: string) => ran.set(id, (ran.get(id) ?? 0) + 1);

function hostSteps(root: string, host: string): StepDefinition[] {
  const folder = path.join(root, host);
  const config = path.join(folder, 'app.conf');
  const busy = async <T>(work: () => T): Promise<T> => {
    running += 1;
    mostAtOnce = Math.max(mostAtOnce, running);
    try {
      await pause();
      return work();
    } finally {
      running -= 1;
    }
  };
  return [
    {
      id: `${host}:reach`,
      host,
      kind: 'check',
      title: `Reach ${host}`,
      activity: 'reaching',
      describe: () => ({ summary: `Checks that ${host} answers.` }),
      async run(ctx) {
        count(`${host}:reach`);
        expect(ctx.host).toBe(host);
        await busy(() => {
          if (fs.existsSync(path.join(folder, 'unreachable')))
            throw new StepFailure(`${host} does not answer.`, 'Use the bundle on that server.');
        });
      },
    },
    {
      id: `${host}:write`,
      host,
      kind: 'change',
      title: `Write the new configuration on ${host}`,
      activity: 'copying',
      describe: () => ({ summary: `Replaces ${config}.`, undo: 'Puts the old file back.' }),
      async run(ctx) {
        count(`${host}:write`);
        await ctx.backup.saveFile(config);
        await busy(() => fs.writeFileSync(config, 'new\n'));
      },
      async undo(ctx) {
        await ctx.backup.restoreFile(config);
      },
    },
    {
      id: `${host}:registered`,
      host,
      kind: 'verify',
      title: `Confirm ${host} registered`,
      activity: 'registered',
      describe: () => ({ summary: `Reads ${config} back.` }),
      async run() {
        count(`${host}:registered`);
        await busy(() => {
          if (fs.readFileSync(config, 'utf8') !== 'new\n') throw new StepFailure('not registered');
        });
      },
    },
  ];
}

const procedure: ProcedureDefinition<typeof inputs> = {
  id: 'tinyfarm.reconfigure',
  system: 'tinyfarm',
  title: 'Tiny farm',
  summary: 'Writes one file on every host.',
  inputs,
  async plan({ inputs: given }) {
    const lanes = given.hosts.flatMap((host) => hostSteps(given.root, host));
    if (given.shape === 'manual-step')
      lanes.push({ ...(lanes[0] as StepDefinition), id: 'x', kind: 'manual' });
    if (given.shape === 'no-host') lanes.push({ ...(lanes[0] as StepDefinition), id: 'y', host: undefined });
    const fleet: PhaseDefinition = {
      id: 'fleet',
      title: 'Every host',
      steps: lanes,
      fanOut: { concurrency: given.concurrency, onHostFailure: given.onHostFailure },
    };
    const controller: StepDefinition = {
      id: 'controller-check',
      kind: 'check',
      title: 'Check the controller',
      describe: () => ({ summary: 'Checks this machine.' }),
      async run(ctx) {
        count('controller-check');
        expect(ctx.hosts().map((host) => host.host)).toEqual(given.hosts);
      },
    };
    const after: StepDefinition = {
      id: 'after',
      kind: 'verify',
      title: 'Note the hosts left',
      describe: () => ({ summary: 'Logs which hosts the fleet went on without.' }),
      async run(ctx) {
        ctx.log(
          `left: ${
            ctx
              .hosts()
              .filter((host) => host.state === 'failed')
              .map((host) => host.host)
              .join(',') || 'none'
          }`,
        );
      },
    };
    return {
      target: `tinyfarm:${given.root}`,
      facts: [],
      warnings: [],
      phases: [
        { id: 'preflight', title: 'Preflight', steps: [controller] },
        fleet,
        { id: 'after', title: 'After', steps: [after] },
      ],
    };
  },
  // The engine's generic input checks want the schema's own shape: nothing more here.
};

const tinyfarm: SystemModule = {
  id: 'tinyfarm',
  title: 'Tiny farm',
  procedures: [procedure as unknown as ProcedureDefinition],
};

function farm(hosts: string[]) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-fan-out-'));
  for (const host of hosts) {
    fs.mkdirSync(path.join(root, host));
    fs.writeFileSync(path.join(root, host, 'app.conf'), 'old\n');
  }
  const engine = new Engine(path.join(root, 'data'), [tinyfarm]);
  ran.clear();
  mostAtOnce = 0;
  return { root, engine };
}

function hooks(answers: Partial<Record<Prompt['kind'], Decision[]>> = {}) {
  const prompts: Prompt[] = [];
  return {
    prompts,
    decide: async (prompt: Prompt): Promise<Decision> => {
      prompts.push(prompt);
      return answers[prompt.kind]?.shift() ?? 'confirm';
    },
  };
}

const HOSTS = ['fe01', 'fe02', 'fe03', 'fe04'];
const content = (root: string, host: string) => fs.readFileSync(path.join(root, host, 'app.conf'), 'utf8');

describe('fan-out over hosts', () => {
  it('runs every host in its own lane, at most `concurrency` at once, with per-host state and per-step times', async () => {
    const { root, engine } = farm(HOSTS);
    const prepared = await engine.plan(
      'tinyfarm.reconfigure',
      { root, hosts: HOSTS, concurrency: 2, onHostFailure: 'ask' },
      'real',
    );
    expect(prepared.view.phases?.[1]?.fanOut).toEqual({ concurrency: 2, hosts: HOSTS });
    expect(prepared.view.steps.find((step) => step.id === 'fe02:write')).toMatchObject({
      host: 'fe02',
      activity: 'copying',
      phase: 'fleet',
    });
    const progress: string[] = [];
    const view = await engine.start(prepared, {
      ...hooks(),
      onEvent: (event) => {
        if (event.type === 'step-started') progress.push(event.stepId ?? '');
      },
    }).done;
    expect(view.state).toBe('succeeded');
    expect(mostAtOnce).toBe(2);
    // Lanes interleave: the second host started before the first was over.
    expect(progress.indexOf('fe02:reach')).toBeLessThan(progress.indexOf('fe01:registered'));
    // A host's checks run in its lane, not in the preflight before the changes are confirmed.
    expect(progress[0]).toBe('controller-check');
    for (const host of HOSTS) expect(content(root, host)).toBe('new\n');
    expect(view.hosts?.map((host) => [host.host, host.state, host.stepsDone, host.activity])).toEqual(
      HOSTS.map((host) => [host, 'done', 3, 'registered']),
    );
    expect(view.needsAttention).toBe(false);
    for (const step of view.steps) {
      expect(Date.parse(step.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(step.finishedAt ?? ''));
    }
    // The same from the journal alone.
    const stored = engine.view(view.runId);
    expect(stored.hosts).toEqual(view.hosts);
    expect(stored.steps.map((step) => [step.id, step.host, step.startedAt, step.finishedAt])).toEqual(
      view.steps.map((step) => [step.id, step.host, step.startedAt, step.finishedAt]),
    );
    expect(engine.report(view.runId, 'md').content).toMatch(
      /## Hosts[\s\S]*\| fe03 \| done \| 3\/3 \| registered \|/,
    );
    await engine.close();
  });

  it('one failed host does not stop the others; "go on without it" leaves the run succeeded but needing attention, in every view', async () => {
    const { root, engine } = farm(HOSTS);
    fs.writeFileSync(path.join(root, 'fe03', 'unreachable'), '');
    const answers = hooks({ failure: ['continue'] });
    const view = await engine.start(
      await engine.plan(
        'tinyfarm.reconfigure',
        { root, hosts: HOSTS, concurrency: 3, onHostFailure: 'ask' },
        'real',
      ),
      answers,
    ).done;
    const failure = answers.prompts.filter((prompt) => prompt.kind === 'failure');
    expect(failure).toHaveLength(1);
    expect(failure[0]).toMatchObject({ title: '1 of 4 hosts failed: Every host', stepId: 'fe03:reach' });
    expect(failure[0]?.instructions).toEqual([
      'fe03: fe03 does not answer. Fix: Use the bundle on that server.',
    ]);
    expect(failure[0]?.options).toEqual(['retry', 'continue', 'rollback', 'cancel']);
    expect(view.state).toBe('succeeded');
    expect(['fe01', 'fe02', 'fe04'].map((host) => content(root, host))).toEqual(['new\n', 'new\n', 'new\n']);
    expect(content(root, 'fe03')).toBe('old\n');
    expect(ran.get('fe03:write')).toBeUndefined();
    expect(view.hosts?.find((host) => host.host === 'fe03')).toMatchObject({
      state: 'failed',
      stepId: 'fe03:reach',
      activity: 'reaching',
      stepsDone: 0,
    });
    expect(view.steps.find((step) => step.id === 'after')?.logs).toEqual(['left: fe03']);
    expect(view.needsAttention).toBe(true);
    expect(view.attention?.hostsLeft).toEqual([
      'fe03: not finished at "reaching" — fe03 does not answer. Fix: Use the bundle on that server.',
    ]);
    expect(engine.list()[0]).toMatchObject({ needsAttention: true });
    expect(engine.list()[0]?.attention?.[0]).toMatch(/^fe03: not finished/);
    const journal = readJournal(view.journalPath, engine.journalSeal);
    expect(journal.find((entry) => entry.type === 'hosts-left')?.data).toEqual({
      phaseId: 'fleet',
      hosts: ['fe03'],
    });
    const report = engine.report(view.runId, 'md').content;
    expect(report).toMatch(/## NEEDS ATTENTION[\s\S]*fe03: not finished/);
    expect(report).toMatch(/\| fe03 \| FAILED \| 0\/3 \| reaching \| fe03 does not answer/);
    const words = renderRunOutcome(view);
    expect(words).toMatch(
      /!!! NEEDS ATTENTION: the run went on without these hosts:\n!!! {3}fe03: not finished/,
    );
    expect(words).toMatch(/Hosts:\n {2}fe01 {2}done \(3\/3 steps; registered\)/);
    await engine.close();
  });

  it('`continue` goes on without asking; retry reruns only the failed host', async () => {
    const { root, engine } = farm(HOSTS);
    fs.writeFileSync(path.join(root, 'fe02', 'unreachable'), '');
    const quiet = hooks();
    const view = await engine.start(
      await engine.plan(
        'tinyfarm.reconfigure',
        { root, hosts: HOSTS, concurrency: 4, onHostFailure: 'continue' },
        'real',
      ),
      quiet,
    ).done;
    expect(quiet.prompts.some((prompt) => prompt.kind === 'failure')).toBe(false);
    expect(view.state).toBe('succeeded');
    expect(view.attention?.hostsLeft).toHaveLength(1);

    const second = farm(HOSTS);
    fs.writeFileSync(path.join(second.root, 'fe02', 'unreachable'), '');
    const retrying = {
      ...hooks(),
      decide: async (prompt: Prompt): Promise<Decision> => {
        if (prompt.kind !== 'failure') return 'confirm';
        fs.rmSync(path.join(second.root, 'fe02', 'unreachable'));
        return 'retry';
      },
    };
    const retried = await second.engine.start(
      await second.engine.plan(
        'tinyfarm.reconfigure',
        { root: second.root, hosts: HOSTS, concurrency: 2, onHostFailure: 'ask' },
        'real',
      ),
      retrying,
    ).done;
    expect(retried.state).toBe('succeeded');
    expect(retried.needsAttention).toBe(false);
    expect(ran.get('fe02:reach')).toBe(2);
    expect(ran.get('fe01:reach')).toBe(1);
    expect(HOSTS.map((host) => content(second.root, host))).toEqual(HOSTS.map(() => 'new\n'));
    await engine.close();
    await second.engine.close();
  });

  it('a stopped fan-out resumes without redoing the hosts that were done; rollback undoes every host', async () => {
    const { root, engine } = farm(HOSTS);
    fs.writeFileSync(path.join(root, 'fe04', 'unreachable'), '');
    const stopped = await engine.start(
      await engine.plan(
        'tinyfarm.reconfigure',
        { root, hosts: HOSTS, concurrency: 2, onHostFailure: 'ask' },
        'real',
      ),
      hooks({ failure: ['cancel'], 'confirm-cancel': ['confirm'] }),
    ).done;
    expect(stopped.state).toBe('failed');
    expect(stopped.error).toMatch(/Stopped in "Every host": fe04: fe04 does not answer/);
    expect(stopped.hosts?.map((host) => host.state)).toEqual(['done', 'done', 'done', 'failed']);
    fs.rmSync(path.join(root, 'fe04', 'unreachable'));
    const resumed = await (await engine.resume(stopped.runId, {}, hooks())).done;
    expect(resumed.state).toBe('succeeded');
    for (const host of ['fe01', 'fe02', 'fe03']) expect(ran.get(`${host}:write`)).toBe(1);
    expect(ran.get('fe04:reach')).toBe(2);
    expect(ran.get('fe04:write')).toBe(1);
    expect(HOSTS.map((host) => content(root, host))).toEqual(HOSTS.map(() => 'new\n'));

    const undone = await (await engine.rollback(resumed.runId, {}, hooks())).done;
    expect(undone.state).toBe('rolled-back');
    expect(HOSTS.map((host) => content(root, host))).toEqual(HOSTS.map(() => 'old\n'));
    expect(undone.hosts?.map((host) => host.state)).toEqual(['undone', 'undone', 'undone', 'undone']);
    await engine.close();
  });

  it('refuses a fan-out step that names no host, or one that is manual', async () => {
    const { root, engine } = farm(['fe01']);
    const given = { root, hosts: ['fe01'], concurrency: 1, onHostFailure: 'ask' as const };
    await expect(
      engine.plan('tinyfarm.reconfigure', { ...given, shape: 'manual-step' }, 'real'),
    ).rejects.toThrow(/step x of the fan-out phase fleet is manual/);
    await expect(engine.plan('tinyfarm.reconfigure', { ...given, shape: 'no-host' }, 'real')).rejects.toThrow(
      /step y of the fan-out phase fleet names no host/,
    );
    await engine.close();
  });
});
