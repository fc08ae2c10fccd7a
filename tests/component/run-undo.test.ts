/**
 * The run view, Runs and undo in real Chromium with the real stores and client over an answering
 * transport: where a run is (practice or real, step N of M, elapsed, phases, the outage window and
 * time down), cancel and rollback questions listing what stays and what is undone, a run that needs
 * attention with its ways back and forward, and undo after success through its own checked plan
 * (secrets asked by label, refusals beside the field or with the reason) and a confirmation.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type {
  ProcedureSummary,
  RollbackPlan,
  RunSummary,
  RunView,
  StepProgress,
} from '../../src/shared/procedure.js';
import { openComponentPage, type ComponentPage } from '../support/component-page.js';
import { testId } from '../support/watched-page.js';
import { seriousViolations } from './axe-check.js';

declare const harness: {
  start(answers: Record<string, (request: unknown) => unknown>): Promise<void>;
  push(run: RunView): void;
  calls: Array<{ channel: string; request: unknown }>;
};
declare const fixtures: Fixtures;

const SECRET = 'Right-secret-pw-1';

const procedure: ProcedureSummary = {
  id: 'demo.rotate',
  system: 'demo',
  title: 'Rotate the app password',
  summary: 'Changes the app password.',
  inputSchema: {
    type: 'object',
    required: ['newPassword'],
    properties: { newPassword: { type: 'string', title: 'New password', secret: true } },
  },
};

function step(
  id: string,
  kind: StepProgress['kind'],
  title: string,
  state: StepProgress['state'],
): StepProgress {
  return { id, kind, title, state, logs: [] };
}

const base = {
  procedureId: 'demo.rotate',
  title: 'Rotate the app password',
  environment: 'sandbox' as const,
  target: 'demo:x',
  journalPath: '/tmp/j',
  journalHash: 'sha256:0',
};

const succeeded: RunView = {
  ...base,
  runId: 'run-ok',
  revision: 9,
  state: 'succeeded',
  startedAt: '2026-12-03T10:00:00.000Z',
  finishedAt: '2026-12-03T10:02:05.000Z',
  steps: [
    step('check', 'check', 'Account exists', 'done'),
    step('stop', 'change', 'Stop the app', 'done'),
    step('set', 'change', 'Set the password', 'done'),
    step('start', 'change', 'Start the app', 'done'),
  ],
  outage: {
    stepIds: ['stop', 'set', 'start'],
    expectedMinutes: 2,
    impact: 'Nobody can sign in to the app',
    state: 'closed',
    openedAt: '2026-12-03T10:00:10.000Z',
    closedAt: '2026-12-03T10:01:25.000Z',
    downMs: 75_000,
  },
};

const attentionRun: RunView = {
  ...base,
  runId: 'run-stuck',
  revision: 6,
  state: 'cancelled',
  startedAt: '2026-12-03T09:00:00.000Z',
  finishedAt: '2026-12-03T09:01:00.000Z',
  steps: [
    step('check', 'check', 'Account exists', 'done'),
    step('stop', 'change', 'Stop the app', 'done'),
    step('set', 'change', 'Set the password', 'pending'),
    step('start', 'change', 'Start the app', 'pending'),
  ],
  needsAttention: true,
  attention: {
    pending: [
      {
        stepId: 'stop',
        stepTitle: 'Stop the app',
        leaves: 'The app is stopped: the team cannot sign in',
        restoredBy: { id: 'start', title: 'Start the app' },
      },
    ],
    rollback: {
      available: true,
      steps: [{ id: 'stop', title: 'Stop the app', does: 'Starts the app again.' }],
    },
    resume: {
      available: true,
      steps: [
        { id: 'set', title: 'Set the password', does: 'Sets it.' },
        { id: 'start', title: 'Start the app', does: 'Starts it.' },
      ],
    },
  },
};

const summaries: RunSummary[] = [
  {
    runId: 'run-ok',
    procedureId: 'demo.rotate',
    title: base.title,
    state: 'succeeded',
    startedAt: succeeded.startedAt,
    host: 'h',
    user: 'u',
    secretFields: ['newPassword'],
  },
  {
    runId: 'run-stuck',
    procedureId: 'demo.rotate',
    title: base.title,
    state: 'cancelled',
    startedAt: attentionRun.startedAt,
    host: 'h',
    user: 'u',
    secretFields: ['newPassword'],
    needsAttention: true,
    attention: ['The app is stopped: the team cannot sign in'],
  },
];

const undoPlan: RollbackPlan = {
  runId: 'run-ok',
  state: 'succeeded',
  available: true,
  steps: [
    {
      id: 'start',
      title: 'Start the app',
      does: 'Stops the app again.',
      status: 'unchecked',
      reason: 'no check',
    },
    { id: 'set', title: 'Set the password', does: 'Puts the old password back.', status: 'ok' },
  ],
};

interface Fixtures {
  procedure: ProcedureSummary;
  views: Record<string, RunView>;
  summaries: RunSummary[];
  undoPlan: RollbackPlan;
  secret: string;
}

let component: ComponentPage;
beforeAll(async () => {
  component = await openComponentPage('tests/component/screens.entry.tsx');
}, 120_000);
afterAll(() => component?.close());
beforeEach(async () => {
  await component.page.goto(component.url);
  await component.page.evaluate(() => sessionStorage.clear());
  await component.page.reload();
  await component.page.waitForFunction(() => 'harness' in window);
});

const page = () => component.page;

/** Starts the app at `hash` with the fixtures, `overrides` (answer sources run in the page, `fixtures` in scope). */
async function start(hash: string, overrides: Record<string, string> = {}): Promise<void> {
  await page().evaluate(
    async ({ data, overrides, hash }) => {
      Object.assign(window, { fixtures: data });
      history.replaceState(null, '', hash);
      const table: Record<string, (request: unknown) => unknown> = {
        'app.info': () => ({
          name: 'breakglass',
          version: '1.2.3',
          platform: 'linux',
          transport: 'web',
          dataDir: '/tmp',
          sandboxSuggested: true,
        }),
        'procedures.list': () => ({
          procedures: [fixtures.procedure],
          systems: [{ id: 'demo', title: 'Demo', hasDiscovery: false }],
        }),
        'runs.list': () => ({ runs: fixtures.summaries }),
        'run.get': (request) => fixtures.views[(request as { runId: string }).runId],
        'run.rollbackPlan': (request) => {
          const { secrets } = request as { secrets: Record<string, string> };
          return secrets.newPassword === fixtures.secret
            ? fixtures.undoPlan
            : new Error(
                'newPassword: does not match the secret this run was started with; re-enter the same value.',
              );
        },
        'run.rollback': () => ({
          ...fixtures.views['run-ok'],
          revision: 20,
          state: 'rolled-back',
          succeededAt: '2026-12-03T10:02:05.000Z',
          steps: fixtures.views['run-ok']!.steps.map((s) =>
            s.kind === 'change' ? { ...s, state: 'undone' } : s,
          ),
        }),
      };
      for (const [channel, source] of Object.entries(overrides))
        table[channel] = new Function('request', `return (${source})(request)`) as never;
      await harness.start(table);
    },
    {
      data: {
        procedure,
        views: { 'run-ok': succeeded, 'run-stuck': attentionRun },
        summaries,
        undoPlan,
        secret: SECRET,
      },
      overrides,
      hash,
    },
  );
}

const calls = (channel: string) =>
  page().evaluate(
    (name) => harness.calls.filter((call) => call.channel === name).map((call) => call.request),
    channel,
  );

describe('Runs', () => {
  it('says each state in words, shows where it ran, what needs attention, and the actions for finished runs', async () => {
    await start('#/runs');
    await page().waitForSelector(testId('runs-row-run-stuck'));
    await page().waitForSelector(`${testId('runs-row-run-ok')} ${testId('environment-badge')}`);
    expect(await page().textContent(testId('runs-state-run-ok'))).toBe('Succeeded');
    expect(await page().textContent(testId('runs-state-run-stuck'))).toBe('Needs attention');
    expect(await page().textContent(testId('runs-attention-run-stuck'))).toContain('The app is stopped');
    expect(await page().textContent(testId('runs-row-run-ok'))).toContain('Practice sandbox');
    expect(await page().textContent(testId('runs-row-run-ok'))).toContain('run-ok');
    expect(await page().textContent(testId('undo-run-ok'))).toBe('Undo…');
    expect(await page().textContent(testId('undo-run-stuck'))).toBe('Roll back…');
    expect(await page().isVisible(testId('report-run-ok'))).toBe(true);
    expect(await page().isVisible(testId('resume-run-stuck'))).toBe(true);
  });
});

describe('undo after success', () => {
  it('asks the secrets by label, shows its own checked plan, confirms listing the undos, then runs and shows the result', async () => {
    await start('#/runs');
    await page().click(testId('undo-run-ok'));
    await page().waitForSelector(testId('screen-undo'));
    expect(await page().textContent('label[for="undo-run-ok-newPassword"]')).toBe('New password');
    expect(await calls('run.rollbackPlan')).toEqual([]);

    await page().fill(testId('undo-secret-newPassword'), 'wrong-one');
    await page().click(testId('undo-submit'));
    await page().waitForSelector(testId('undo-error-newPassword'));
    expect(await page().textContent(testId('undo-error-newPassword'))).toContain('Does not match the secret');
    expect(await page().locator(testId('error-notice')).count()).toBe(0);
    expect(await page().isVisible(testId('undo-steps'))).toBe(false);

    await page().fill(testId('undo-secret-newPassword'), SECRET);
    await page().click(testId('undo-submit'));
    await page().waitForSelector(testId('undo-steps'));
    expect(await page().getAttribute(testId('undo-step-set'), 'data-status')).toBe('ok');
    expect(await page().textContent(testId('undo-step-set'))).toContain('Still as the run left it');
    expect(await calls('run.rollback')).toEqual([]);

    await page().click(testId('undo-start'));
    await page().waitForSelector(testId('undo-confirm'));
    expect(await page().textContent(testId('undo-confirm'))).toContain('Undo 2 changes?');
    expect(await page().textContent(testId('undo-confirm'))).toContain('Puts the old password back.');
    expect(await page().evaluate(() => document.activeElement?.id)).toBe('undo-confirm-title');
    expect(await calls('run.rollback')).toEqual([]);

    await page().click(testId('undo-confirm-go'));
    await page().waitForSelector(testId('screen-run'));
    expect(await page().getAttribute(testId('run-state'), 'data-state')).toBe('rolled-back');
    expect(await page().textContent(testId('run-state'))).toContain('Undone after success');
    expect(await page().textContent(testId('run-state-word'))).toBe('Undone after success');
    expect(await calls('run.rollback')).toEqual([{ runId: 'run-ok', secrets: { newPassword: SECRET } }]);
    expect(await page().textContent('body')).not.toContain(SECRET);
  });

  it('is refused with the reason where the state moved on since, and offers nothing to run', async () => {
    await start('#/undo/run-ok', {
      'run.rollbackPlan': `() => ({ ...fixtures.undoPlan, available: false, reason: 'The password was changed since this run.', steps: [{ ...fixtures.undoPlan.steps[1], status: 'moved-on', reason: 'changed at 11:00' }] })`,
    });
    await page().fill(testId('undo-secret-newPassword'), SECRET);
    await page().click(testId('undo-submit'));
    await page().waitForSelector(testId('undo-refused'));
    expect(await page().textContent(testId('undo-refused'))).toContain(
      'The password was changed since this run.',
    );
    expect(await page().textContent(testId('undo-step-set'))).toContain(
      'Changed since the run — changed at 11:00',
    );
    expect(await page().locator(testId('undo-start')).count()).toBe(0);
  });
});

describe('a call that takes over a second', () => {
  it('shows what it is doing and for how long, and goes away when it answers', async () => {
    await start('#/undo/run-ok', {
      'run.rollbackPlan': `async () => { await new Promise((resolve) => setTimeout(resolve, 1800)); return fixtures.undoPlan; }`,
    });
    await page().fill(testId('undo-secret-newPassword'), SECRET);
    await page().click(testId('undo-submit'));
    await page().waitForSelector(`${testId('working')} progress`, { timeout: 5000 });
    expect(await page().textContent(testId('working'))).toMatch(
      /^Checking what can be undone against the system now… 1 s$/,
    );
    await page().waitForSelector(testId('undo-steps'));
    expect(await page().textContent(testId('working'))).toBe('');
  });
});

describe('undo refused before any plan', () => {
  it('says why instead of checking forever when the engine refuses a run that needs no secret', async () => {
    await start('#/undo/run-ok', {
      'runs.list': '() => ({ runs: fixtures.summaries.map((run) => ({ ...run, secretFields: [] })) })',
      'run.rollbackPlan': `() => new Error('Run run-ok cannot be rolled back: it was rolled back already.')`,
    });
    await page().waitForSelector(testId('undo-not-checked'));
    expect(await page().textContent(testId('error-notice'))).toContain('it was rolled back already');
    expect(await page().locator('.loading').count()).toBe(0);
    expect(await page().locator(testId('undo-start')).count()).toBe(0);
  });
});

describe('the run screen', () => {
  it('shows where the run is: practice, step N of M, elapsed, phases, the outage open with time down, the current step', async () => {
    const openedAt = new Date(Date.now() - 65_000).toISOString();
    const running: RunView = {
      ...succeeded,
      runId: 'run-live',
      state: 'running',
      finishedAt: undefined,
      startedAt: new Date(Date.now() - 90_000).toISOString(),
      steps: [
        step('check', 'check', 'Account exists', 'done'),
        step('stop', 'change', 'Stop the app', 'done'),
        step('set', 'change', 'Set the password', 'running'),
        step('start', 'change', 'Start the app', 'pending'),
      ],
      phases: [
        { id: 'pre', title: 'Preflight', stepIds: ['check'], state: 'done' },
        { id: 'out', title: 'Outage', stepIds: ['stop', 'set', 'start'], state: 'running' },
      ],
      outage: { ...succeeded.outage!, state: 'open', openedAt, closedAt: undefined, downMs: 65_000 },
    };
    await start('#/run/run-live', { 'run.get': `() => (${JSON.stringify(running)})` });
    await page().waitForSelector(testId('screen-run'));
    expect(await page().textContent(testId('environment-badge'))).toBe('Practice sandbox');
    expect(await page().textContent(testId('run-position'))).toBe('Step 3 of 4');
    expect(await page().textContent(testId('run-elapsed'))).toMatch(/^Elapsed 1 min 3\d s$/);
    expect(await page().getAttribute(testId('run-step-set'), 'aria-current')).toBe('step');
    expect(await page().getAttribute(testId('phase-out'), 'aria-current')).toBe('step');
    expect(await page().getAttribute(testId('outage-status'), 'data-state')).toBe('open');
    expect(await page().textContent(testId('outage-status'))).toContain(
      'Down now: Nobody can sign in to the app.',
    );
    expect(await page().textContent(testId('outage-time'))).toMatch(/^Down for 1 min 0\d s so far/);
  });

  it('asks before stopping, listing what stays and what a rollback undoes, with the focus on the question', async () => {
    const asking: RunView = {
      ...attentionRun,
      runId: 'run-ask',
      state: 'awaiting',
      finishedAt: undefined,
      needsAttention: undefined,
      attention: undefined,
      prompt: {
        id: 'p-cancel',
        kind: 'confirm-cancel',
        stepId: 'set',
        title: 'Stop the run and leave production degraded?',
        message: 'Stopping now leaves: the app is stopped.',
        instructions: [
          'Left in place: The app is stopped: the team cannot sign in (since "Stop the app")',
          'Rollback: Stop the app — Starts the app again.',
        ],
        options: ['confirm', 'rollback', 'cancel'],
        labels: {
          confirm: 'Stop anyway (needs attention)',
          rollback: 'Roll back instead',
          cancel: 'Go back',
        },
      },
    };
    await start('#/run/run-ask', { 'run.get': `() => (${JSON.stringify(asking)})` });
    await page().waitForSelector(testId('prompt-panel'));
    expect(await page().textContent(testId('prompt-left'))).toContain(
      'The app is stopped: the team cannot sign in',
    );
    expect(await page().textContent(testId('prompt-undos'))).toContain(
      'Stop the app — Starts the app again.',
    );
    expect(await page().textContent(testId('prompt-confirm'))).toBe('Stop anyway (needs attention)');
    expect(await page().textContent(testId('prompt-cancel'))).toBe('Go back');
    expect(await page().evaluate(() => document.activeElement?.id)).toBe('prompt-title');
  });

  it('ends with a summary: the timeline with the outage shaded and its length, what changed, next, undo', async () => {
    await start('#/run/run-ok');
    await page().waitForSelector(testId('done-summary'));
    expect(await page().textContent(testId('run-elapsed'))).toBe('Took 2 min 05 s');
    expect(await page().textContent(testId('timeline-down'))).toContain('1 min 15 s (expected about 2 min)');
    expect(Number(await page().getAttribute(testId('timeline-outage'), 'x'))).toBeCloseTo(8, 5);
    expect(Number(await page().getAttribute(testId('timeline-outage'), 'width'))).toBeCloseTo(60, 5);
    expect(await page().textContent(testId('done-changed'))).toContain('Set the password');
    expect(await page().textContent(testId('done-changed'))).not.toContain('Account exists');
    expect(await page().textContent(testId('undo-run'))).toBe('Undo this run…');
    expect(await seriousViolations(page(), 'done')).toEqual([]);
  });

  it('shows a run that needs attention as such, with the way back and the way forward', async () => {
    await start('#/run/run-stuck');
    await page().waitForSelector(testId('ways-out'));
    expect(await page().getAttribute(testId('run-state'), 'data-attention')).toBe('true');
    expect(await page().textContent(testId('run-state'))).toContain('Needs attention');
    expect(await page().textContent(testId('attention-pending'))).toContain(
      '“Start the app” brings it back going forward',
    );
    expect(await page().textContent(testId('way-rollback'))).toContain('Starts the app again.');
    expect(await page().textContent(testId('way-resume'))).toContain('Set the password');
    await page().click(`${testId('way-resume')} ${testId('resume-run-stuck')}`);
    await page().waitForSelector(testId('resume-form-run-stuck'));
    expect(await page().textContent('label[for="resume-run-stuck-newPassword"]')).toBe('New password');
    await page().click(testId('way-rollback-open'));
    await page().waitForSelector(testId('screen-undo'));
    expect(await page().textContent('h1')).toBe('Roll back: Rotate the app password');
  });
});
