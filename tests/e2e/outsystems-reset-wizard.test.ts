import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/main/api/create-api.js';
import { EventHub } from '../../src/main/api/event-hub.js';
import { Engine } from '../../src/main/engine/engine.js';
import { builtRendererDir } from '../../src/main/host/renderer-dir.js';
import { startWebHost, type WebHost } from '../../src/main/host/web-host.js';
import { systems } from '../../src/main/systems/index.js';
import { freshDataDir } from '../support/engine-harness.js';
import { adProviderActive, independentlyVerifiesV1, ossysUsers } from '../support/outsystems-sandbox.js';
import { openWatchedPage, testId } from '../support/watched-page.js';
import { ensureBuilt } from '../unit/shell-build.js';

const NEW_PASSWORD = 'Wizard-reset-"pw"<&>-ü';
let dataDir: string;
let api: Awaited<ReturnType<typeof createApi>>;
let host: WebHost;
let browser: Browser;
let page: Page;
let observer: Engine;
let problems: string[];

beforeAll(async () => {
  ensureBuilt();
  dataDir = freshDataDir('os-wizard');
  const hub = new EventHub();
  api = await createApi({ dataDir, transport: 'web', emit: hub.emit });
  host = await startWebHost({ handlers: api.handlers, hub, rendererDir: builtRendererDir() });
  observer = new Engine(dataDir, systems);
  ({ browser, page, problems } = await openWatchedPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await api?.close();
  await observer?.close();
});

describe('OutSystems admin reset in a real browser, through the web host, on the practice sandbox', () => {
  it('picks the procedure, fills the form, reads the plan, confirms, succeeds and downloads the report', async () => {
    await page.goto(host.url);
    await page.click(testId('discover-outsystems-sandbox'));
    await page.waitForSelector(testId('discovery-report-outsystems'));
    const discovery = await page.textContent(testId('discovery-report-outsystems'));
    expect(discovery).toContain('OSADMIN');
    expect(discovery).toContain('SqlServer');
    await page.screenshot({ path: 'test-results/outsystems-discovery.png', fullPage: true });
    await page.click(testId('procedure-outsystems.reset-admin-password'));
    await page.waitForSelector(testId('screen-inputs'));
    expect(await page.isChecked(testId('environment-sandbox'))).toBe(true);
    await page.click(testId('input-tenants-both'));
    expect(await page.textContent(testId('input-tenants'))).toContain('IT users (Service Center)');
    await page.fill(testId('input-newPassword'), NEW_PASSWORD);
    await page.screenshot({ path: 'test-results/outsystems-reset-inputs.png', fullPage: true });

    await page.click(testId('review-plan'));
    await page.waitForSelector(testId('screen-plan'));
    const update = page.locator(testId('plan-step-set-password-it-users'));
    expect(await update.locator(testId('step-sql')).first().textContent()).toContain('********');
    expect(await page.textContent(testId('screen-plan'))).toContain('[dbo].[OSSYS_USER]');
    expect(await page.textContent('body')).not.toContain(NEW_PASSWORD);
    await page.screenshot({ path: 'test-results/outsystems-reset-plan.png', fullPage: true });

    const before = await ossysUsers(observer);
    await page.click(testId('start-run'));
    await page.waitForSelector(`${testId('prompt-panel')}[data-kind="confirm-changes"]`);
    await page.click(testId('prompt-confirm'));
    await page.waitForSelector(`${testId('run-state')}[data-state="succeeded"]`, { timeout: 30_000 });
    expect(await page.textContent(`${testId('run-step-set-password-end-users')}`)).toContain('Updated 1 row');
    await page.screenshot({ path: 'test-results/outsystems-reset-run.png', fullPage: true });

    const after = await ossysUsers(observer);
    expect(
      after
        .filter((row, index) => JSON.stringify(row) !== JSON.stringify(before[index]))
        .map((row) => row.id),
    ).toEqual([1, 4]);
    expect(independentlyVerifiesV1(NEW_PASSWORD, after[0]?.password ?? '')).toBe(true);

    await page.click(testId('view-report'));
    await page.waitForSelector(testId('screen-report'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(testId('export-html'))]);
    const reportPath = 'test-results/outsystems-reset-report.html';
    await download.saveAs(reportPath);
    const report = fs.readFileSync(reportPath, 'utf8');
    expect(report).toContain('outsystems.reset-admin-password');
    expect(report).toContain(await page.textContent(testId('journal-hash')));
    expect(report).not.toContain(NEW_PASSWORD);
    await page.screenshot({ path: 'test-results/outsystems-reset-report.png', fullPage: true });
    expect(problems).toEqual([]);
  });

  it('AD workaround stopped half-way is resumed from Runs: asked only for the secret it was started with, then finished with AD enabled', async () => {
    const adminPassword = 'Resume-admin-pw-1';
    await page.goto('about:blank');
    await page.goto(host.url);
    await page.click(testId('procedure-outsystems.ad-workaround'));
    await page.fill(testId('input-adminPassword'), adminPassword);
    await page.click(testId('review-plan'));
    await page.waitForSelector(testId('screen-plan'));
    await page.click(testId('start-run'));
    // Changes, then the outage of disabling AD, then the guided Apply and Exit: stop there.
    for (const kind of ['confirm-changes', 'confirm-outage', 'confirm-outage']) {
      await page.waitForSelector(`${testId('prompt-panel')}[data-kind="${kind}"]`);
      await page.click(testId('prompt-confirm'));
    }
    await page.waitForSelector(`${testId('prompt-panel')}[data-kind="manual"]`);
    await page.click(testId('prompt-cancel'));
    // Cancelling with AD off is confirmed first, saying so and offering the rollback.
    const confirmCancel = page.locator(`${testId('prompt-panel')}[data-kind="confirm-cancel"]`);
    await confirmCancel.waitFor();
    expect(await confirmCancel.textContent()).toMatch(
      /Active Directory logins to Service Center are OFF in production/,
    );
    expect(await page.textContent(testId('prompt-rollback'))).toBe('Roll back instead');
    await page.click(testId('prompt-confirm'));
    await page.waitForSelector(`${testId('run-state')}[data-state="cancelled"]`);
    expect(await adProviderActive(observer)).toBe(false);

    await page.click(testId('nav-runs'));
    const runId =
      (await page.getAttribute('[data-testid^="runs-row-"]', 'data-testid'))?.replace('runs-row-', '') ?? '';
    await page.click(testId(`resume-${runId}`));
    const asked = await page
      .locator(`${testId(`resume-form-${runId}`)} input`)
      .evaluateAll((inputs) => inputs.map((input) => input.getAttribute('data-testid')));
    expect(asked).toEqual(['resume-secret-adminPassword']);
    await page.fill(testId('resume-secret-adminPassword'), adminPassword);
    await page.click(testId('resume-submit'));
    await page.waitForSelector(testId('screen-run'));
    for (
      let answered = 0;
      (await page.getAttribute(testId('run-state'), 'data-state')) !== 'succeeded';
      answered += 1
    ) {
      expect(answered).toBeLessThan(10);
      await page.waitForSelector(`${testId('prompt-panel')}, ${testId('run-state')}[data-state="succeeded"]`);
      if (await page.isVisible(testId('prompt-confirm'))) await page.click(testId('prompt-confirm'));
    }
    expect(await adProviderActive(observer)).toBe(true);
    await page.screenshot({ path: 'test-results/outsystems-ad-resumed.png', fullPage: true });
    expect(problems).toEqual([]);
  });
});
