/**
 * A run whose plan fans out over hosts, in real Chromium with the real stores and client over an
 * answering transport: one table row per server with its live status in words (its activity while
 * it runs, waiting, done, failed with what to do), steps done of total, its own steps; live from run
 * events; the hosts left as a "needs attention" item; each step's span on the timeline, one row per host.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HostProgress, RunView, StepProgress } from '../../src/shared/procedure.js';
import { openComponentPage, type ComponentPage } from '../support/component-page.js';
import { testId } from '../support/watched-page.js';
import { seriousViolations } from './axe-check.js';

declare const harness: {
  start(answers: Record<string, (request: unknown) => unknown>): Promise<void>;
  push(run: RunView): void;
};

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 3, 10, 0, seconds)).toISOString();

function step(
  id: string,
  host: string | undefined,
  title: string,
  state: StepProgress['state'],
  span?: [number, number?],
): StepProgress {
  return {
    id,
    kind: 'change',
    title,
    state,
    logs: state === 'done' ? [`${title}: ok`] : [],
    ...(host ? { host } : {}),
    ...(span
      ? { startedAt: at(span[0]), ...(span[1] !== undefined ? { finishedAt: at(span[1]) } : {}) }
      : {}),
  };
}

function host(
  name: string,
  state: HostProgress['state'],
  stepsDone: number,
  extra: Partial<HostProgress> = {},
) {
  return { host: name, state, stepsDone, stepsTotal: 2, ...extra };
}

const running: RunView = {
  runId: 'run-farm',
  procedureId: 'demo.farm',
  title: 'Reconfigure the farm',
  environment: 'sandbox',
  target: 'demo:farm',
  journalPath: '/tmp/j',
  journalHash: 'sha256:0',
  revision: 5,
  state: 'running',
  startedAt: at(0),
  steps: [
    step('export', undefined, 'Export the configuration', 'done', [0, 2]),
    step('fe:A:copy', 'A', 'Copy the configuration to A', 'done', [2, 6]),
    step('fe:A:apply', 'A', 'Apply on A', 'running', [6]),
    step('fe:B:copy', 'B', 'Copy the configuration to B', 'running', [2]),
    step('fe:B:apply', 'B', 'Apply on B', 'pending'),
    step('fe:C:copy', 'C', 'Copy the configuration to C', 'pending'),
    step('fe:C:apply', 'C', 'Apply on C', 'pending'),
  ],
  phases: [
    { id: 'prep', title: 'Prepare', stepIds: ['export'], state: 'done' },
    {
      id: 'fan',
      title: 'Front-ends',
      stepIds: ['fe:A:copy', 'fe:A:apply', 'fe:B:copy', 'fe:B:apply', 'fe:C:copy', 'fe:C:apply'],
      state: 'running',
    },
  ],
  hosts: [
    host('A', 'running', 1, { stepId: 'fe:A:apply', activity: 'applying' }),
    host('B', 'running', 0, { stepId: 'fe:B:copy', activity: 'copying' }),
    host('C', 'waiting', 0),
  ],
};

const FIX = 'B does not answer remoting: carry the bundle to B and run the front-end procedure there.';

const finished: RunView = {
  ...running,
  revision: 9,
  state: 'failed',
  finishedAt: at(20),
  steps: running.steps.map((s) =>
    s.host === 'B'
      ? s.id === 'fe:B:copy'
        ? { ...s, state: 'failed', finishedAt: at(8), message: FIX }
        : s
      : { ...s, state: 'done', startedAt: s.startedAt ?? at(8), finishedAt: s.finishedAt ?? at(14) },
  ),
  hosts: [
    host('A', 'done', 2, { activity: 'registered' }),
    host('B', 'failed', 0, { stepId: 'fe:B:copy', activity: 'copying', message: FIX }),
    host('C', 'done', 2, { activity: 'registered' }),
  ],
  needsAttention: true,
  attention: {
    pending: [],
    rollback: { available: false, steps: [], reason: 'Nothing to undo.' },
    resume: { available: false, steps: [], reason: 'The other servers are done.' },
    hostsLeft: ['B: carry the bundle to B and run the front-end procedure there.'],
  },
};

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

async function start(view: RunView): Promise<void> {
  await page().evaluate(async (view) => {
    history.replaceState(null, '', `#/run/${view.runId}`);
    await harness.start({
      'app.info': () => ({
        name: 'breakglass',
        version: '1.2.3',
        platform: 'linux',
        transport: 'web',
        dataDir: '/tmp',
        sandboxSuggested: true,
      }),
      'procedures.list': () => ({ procedures: [], systems: [] }),
      'runs.list': () => ({ runs: [] }),
      'run.get': () => view,
    });
  }, view);
}

describe('a run over several servers', () => {
  it('shows one row per server with its live status in words and steps done, updated by run events', async () => {
    await start(running);
    await page().waitForSelector(testId('hosts-table'));
    expect(await page().textContent(`${testId('hosts-table')} caption`)).toContain('status');
    expect(await page().textContent(testId('host-state-A'))).toBe('applying');
    expect(await page().textContent(testId('host-state-B'))).toBe('copying');
    expect(await page().textContent(testId('host-state-C'))).toBe('Waiting');
    expect(await page().textContent(testId('host-row-A'))).toContain('1 of 2');
    await page().click(`${testId('host-steps-A')} summary`);
    expect(await page().textContent(testId('host-steps-A'))).toContain('Copy the configuration to A: ok');
    expect(await page().textContent(testId('host-steps-A'))).not.toContain('to B');
    expect(
      await page()
        .locator(`${testId('timeline-lanes')} [data-testid^="timeline-lane-"]`)
        .count(),
    ).toBe(3);
    expect(await seriousViolations(page(), 'run with hosts')).toEqual([]);

    await page().evaluate((view) => harness.push(view), finished);
    await page().waitForFunction(
      (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.startsWith('Failed'),
      'host-state-B',
    );
    expect(await page().textContent(testId('host-state-A'))).toBe('registered');
    expect(await page().textContent(testId('host-fix-B'))).toContain('carry the bundle to B');
    expect(await page().textContent(testId('attention-hosts-left'))).toContain('B: carry the bundle');
    expect(await seriousViolations(page(), 'failed run with hosts')).toEqual([]);
  });

  it('draws each step over its own span, the hosts on parallel rows', async () => {
    await start(finished);
    await page().waitForSelector(testId('timeline-lanes'));
    // The run spans 20 s: A's copy ran 2–6 s, B's copy 2–8 s, side by side on their own rows.
    const box = async (id: string) => ({
      x: Number(await page().getAttribute(testId(`timeline-span-${id}`), 'x')),
      width: Number(await page().getAttribute(testId(`timeline-span-${id}`), 'width')),
    });
    expect(await box('fe:A:copy')).toEqual({ x: 10, width: 20 });
    expect(await box('fe:B:copy')).toEqual({ x: 10, width: 30 });
    expect(await page().textContent(`${testId('timeline-lane-B')}`)).toContain('B');
    expect(
      await page()
        .locator(`${testId('timeline-lane-A')} [data-testid^="timeline-span-"]`)
        .count(),
    ).toBe(2);
  });
});
