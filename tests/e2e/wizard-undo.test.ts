/**
 * Undo and roll back in real Chromium over the web host and the real API on the practice sandbox:
 * a drill run to success then undone from the done screen through its own checked plan and a
 * confirmation; a cancel after the compensating step (the service stopped), whose question lists
 * what stays and what a rollback undoes, leaving a run that needs attention (on the run screen and
 * in Runs) with its ways back and forward, then rolled back from Runs; a failed step rolled back after
 * its confirmation. axe-core checks each screen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApi } from '../../src/main/api/create-api.js';
import { EventHub } from '../../src/main/api/event-hub.js';
import { builtRendererDir } from '../../src/main/host/renderer-dir.js';
import { startWebHost, type WebHost } from '../../src/main/host/web-host.js';
import { seriousViolations } from '../component/axe-check.js';
import { openWatchedPage, testId } from '../support/watched-page.js';
import { ensureBuilt } from '../unit/shell-build.js';

const PASSWORD = 'Undo-test-pw-42!';
let dataDir: string;
let api: Awaited<ReturnType<typeof createApi>>;
let host: WebHost;
let browser: Browser;
let page: Page;
let problems: string[];
const a11y: string[] = [];

beforeAll(async () => {
  ensureBuilt();
  process.env.BREAKGLASS_SANDBOX_PG_URL = inject('pgAdminUrl');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-web-undo-'));
  const hub = new EventHub();
  api = await createApi({ dataDir, transport: 'web', emit: hub.emit });
  host = await startWebHost({ handlers: api.handlers, hub, rendererDir: builtRendererDir() });
  ({ browser, page, problems } = await openWatchedPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await api?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function check(screen: string): Promise<void> {
  a11y.push(...(await seriousViolations(page, screen)));
}

async function planDrill(rehearseFailureAt?: string): Promise<void> {
  await page.click(testId('procedure-practice.drill'), { timeout: 30_000 });
  await page.fill(testId('input-newPassword'), PASSWORD);
  if (rehearseFailureAt) await page.selectOption(testId('input-rehearseFailureAt'), rehearseFailureAt);
  await page.click(testId('review-plan'));
  await page.waitForSelector(testId('screen-plan'), { timeout: 60_000 });
  await page.click(testId('start-run'));
}

/** Answers prompts with Go ahead until the run reaches one of `kinds` or ends. */
async function confirmUntil(kinds: string[]): Promise<string> {
  for (let turn = 0; turn < 12; turn += 1) {
    const shown = await page.waitForSelector(`${testId('prompt-panel')}, ${testId('done-summary')}`, {
      timeout: 60_000,
    });
    if ((await shown.getAttribute('data-testid')) !== 'prompt-panel') return 'done';
    const kind = (await shown.getAttribute('data-kind')) ?? '';
    if (kinds.includes(kind)) return kind;
    await check(`prompt ${kind}`);
    await page.click(testId('prompt-confirm'));
    await page.waitForFunction(
      (previous) =>
        document.querySelector('[data-testid="prompt-panel"]')?.getAttribute('data-kind') !== previous ||
        !document.querySelector('[data-testid="prompt-panel"]'),
      kind,
      { timeout: 60_000 },
    );
  }
  throw new Error('the run asked too many questions');
}

describe('undo after success', () => {
  it('undoes a succeeded drill from the done screen: its own checked plan, a confirmation listing the undos, then the result', async () => {
    await page.goto(host.url);
    await page.waitForSelector(testId('screen-choose'), { timeout: 30_000 });
    await check('choose');
    await planDrill();
    expect(await confirmUntil([])).toBe('done');
    expect(await page.getAttribute(testId('run-state'), 'data-state')).toBe('succeeded');
    expect(await page.textContent(testId('run-state-word'))).toBe('Succeeded');
    expect(await page.textContent(testId('run-position'))).toBe('8 of 8 steps done');
    expect(await page.getAttribute(testId('outage-status'), 'data-state')).toBe('closed');
    expect(await page.textContent(testId('done-changed'))).toContain('Stop PracticeApp');
    await check('done');

    await page.click(testId('undo-run'));
    await page.waitForSelector(testId('screen-undo'));
    // This session started the run from the form: the secrets are not asked again.
    await page.waitForSelector(testId('undo-steps'), { timeout: 60_000 });
    expect(await page.locator('[data-testid^="undo-secret-"]').count()).toBe(0);
    const undos = await page
      .locator('[data-testid^="undo-step-"]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-testid')));
    expect(undos[0]).toBe('undo-step-start-app');
    expect(undos).toContain('undo-step-set-password');
    await check('undo plan');
    await page.click(testId('undo-start'));
    await page.waitForSelector(testId('undo-confirm'));
    expect(await page.textContent(testId('undo-confirm'))).toMatch(/Undo \d+ changes\?/);
    await check('undo confirm');
    await page.click(testId('undo-confirm-go'));

    await page.waitForSelector(`${testId('run-state')}[data-state="rolled-back"]`, { timeout: 60_000 });
    expect(await page.textContent(testId('run-state'))).toContain('Undone after success');
    await page.waitForSelector(testId('done-undone'));
    expect(await page.textContent(testId('done-undone'))).toContain('Set the new password of drill-admin');

    await page.click(testId('view-report'));
    await page.waitForSelector(testId('report-steps'));
    await check('report');
    await page.click(testId('nav-runs'));
    await page.waitForSelector('[data-testid^="runs-state-"]');
    expect(await page.textContent('[data-testid^="runs-state-"]')).toBe('Undone after success');
    await check('runs');
    expect(await page.textContent('body')).not.toContain(PASSWORD);
    expect(a11y).toEqual([]);
  }, 180_000);
});

describe('a cancel after a compensating step', () => {
  it('asks before stopping, listing what stays; the run needs attention with the ways out; Runs rolls it back', async () => {
    await page.click(testId('nav-new'));
    await page.waitForSelector(testId('screen-choose'));
    await planDrill('set-password');
    expect(await confirmUntil(['failure'])).toBe('failure');
    expect(await page.getAttribute(testId('outage-status'), 'data-state')).toBe('open');
    expect(await page.textContent(testId('outage-status'))).toContain('Down now');
    await check('prompt failure');

    await page.click(testId('prompt-cancel'));
    await page.waitForSelector(`${testId('prompt-panel')}[data-kind="confirm-cancel"]`);
    expect(await page.textContent(testId('prompt-left'))).toContain('PracticeApp is stopped');
    expect(await page.textContent(testId('prompt-undos'))).toContain('Stop PracticeApp');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt-title');
    await check('prompt confirm-cancel');
    await page.click(testId('prompt-confirm'));

    await page.waitForSelector(testId('ways-out'), { timeout: 60_000 });
    expect(await page.getAttribute(testId('run-state'), 'data-attention')).toBe('true');
    expect(await page.textContent(testId('run-state-word'))).toBe('Needs attention');
    expect(await page.textContent(testId('attention-pending'))).toContain('PracticeApp is stopped');
    expect(await page.getAttribute(testId('way-rollback'), 'data-available')).toBe('true');
    expect(await page.textContent(testId('way-resume'))).toContain('Start PracticeApp');
    await check('needs attention');
    const runId = new URL(page.url()).hash.replace('#/run/', '');

    await page.click(testId('nav-runs'));
    await page.waitForSelector(testId(`runs-row-${runId}`));
    expect(await page.textContent(testId(`runs-state-${runId}`))).toBe('Needs attention');
    expect(await page.textContent(testId(`runs-attention-${runId}`))).toContain('PracticeApp is stopped');
    await page.click(testId(`undo-${runId}`));
    await page.waitForSelector(testId('undo-steps'), { timeout: 60_000 });
    await page.click(testId('undo-start'));
    await page.click(testId('undo-confirm-go'));
    await page.waitForSelector(`${testId('run-state')}[data-state="rolled-back"]`, { timeout: 60_000 });
    expect(await page.locator(testId('ways-out')).count()).toBe(0);
    expect(await page.textContent('body')).not.toContain(PASSWORD);
    expect(problems).toEqual([]);
    expect(a11y).toEqual([]);
  }, 180_000);
});

describe('a failed step with a confirmed rollback', () => {
  it('asks to confirm the rollback, listing the undos newest first, then rolls back', async () => {
    await page.click(testId('nav-new'));
    await page.waitForSelector(testId('screen-choose'));
    await planDrill('switch-password-store');
    expect(await confirmUntil(['failure'])).toBe('failure');
    expect(await page.textContent(testId('run-step-switch-password-store'))).toContain(
      'Rehearsed failure of "Switch the app to the scrypt password store".',
    );
    await page.click(testId('prompt-rollback'));
    await page.waitForSelector(`${testId('prompt-panel')}[data-kind="confirm-rollback"]`);
    const undos = await page.locator(`${testId('prompt-undos')} li`).allTextContents();
    expect(undos[0]).toContain('Switch the app to the scrypt password store');
    expect(undos.some((line) => line.startsWith('Set the new password of drill-admin'))).toBe(true);
    expect(await page.textContent(testId('prompt-confirm'))).toBe('Roll back now');
    await check('prompt confirm-rollback');
    await page.click(testId('prompt-confirm'));
    await page.waitForSelector(`${testId('run-state')}[data-state="rolled-back"]`, { timeout: 60_000 });
    expect(await page.textContent(testId('run-state-word'))).toBe('Rolled back');
    expect(await page.textContent(testId('done-undone'))).toContain('Stop PracticeApp');
    expect(problems).toEqual([]);
    expect(a11y).toEqual([]);
  }, 180_000);
});
