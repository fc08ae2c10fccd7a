import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventHub } from '../../src/main/api/event-hub.js';
import { builtRendererDir } from '../../src/main/host/renderer-dir.js';
import { startWebHost, type WebHost } from '../../src/main/host/web-host.js';
import { createFixtureHandlers } from '../unit/ipc-handlers-fixture.js';
import { openWatchedPage, testId } from '../support/watched-page.js';
import { ensureBuilt } from '../unit/shell-build.js';

const hub = new EventHub();
const fixture = createFixtureHandlers(hub.emit);
let host: WebHost;
let browser: Browser;
let page: Page;
let requests: string[];
let problems: string[];

beforeAll(async () => {
  ensureBuilt();
  host = await startWebHost({ handlers: fixture.handlers, hub, rendererDir: builtRendererDir() });
  ({ browser, page, problems, requests } = await openWatchedPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

describe('the wizard in a real browser over the web host', () => {
  it('shows "What do you need to recover?" with the procedures that came over the WebSocket, grouped by system', async () => {
    await page.goto(host.url);
    await page.waitForSelector(testId('procedure-demo.reset-admin-password'));
    expect(await page.textContent('h1')).toBe('What do you need to recover?');
    expect(await page.locator(`${testId('procedure-group-outsystems')} h2`).textContent()).toBe(
      'OutSystems 11',
    );
    expect(await page.locator(`${testId('procedure-group-synapse')} h2`).textContent()).toBe(
      'Matrix Synapse',
    );
    expect(await page.getAttribute(testId('rail-step-choose'), 'aria-current')).toBe('step');
    expect(await page.textContent(testId('transport-badge'))).toBe('Browser (local)');
    await page.screenshot({ path: 'test-results/web-host-choose.png', fullPage: true });
  });

  it('generates the inputs form from the JSON Schema, with defaults, a variant choice and a secret field', async () => {
    await page.click(testId('procedure-demo.reset-admin-password'));
    await page.waitForSelector(testId('screen-inputs'));
    expect(await page.isChecked(testId('environment-sandbox'))).toBe(true);
    expect(await page.inputValue(testId('input-adminUser'))).toBe('admin');
    expect(await page.isChecked(testId('input-dialect-sqlserver'))).toBe(true);
    expect(await page.isChecked(testId('input-restartServices'))).toBe(true);
    expect(await page.isChecked(testId('variant-source-discover'))).toBe(true);
    expect(await page.locator('label[for="field-environmentName"]').textContent()).toContain(
      'Environment name',
    );
    expect(await page.textContent('#field-environmentName-help')).toBe('As shown in Service Center.');

    const secret = page.locator(testId('input-newPassword'));
    expect(await secret.getAttribute('type')).toBe('password');
    expect(await secret.getAttribute('autocomplete')).toBe('off');

    await page.click(testId('variant-source-manual'));
    expect(await page.inputValue(testId('input-source.port'))).toBe('1433');
    await page.fill(testId('input-source.server'), 'db01.corp');
    await page.fill(testId('input-environmentName'), 'Production');
    await page.screenshot({ path: 'test-results/web-host-inputs.png', fullPage: true });
  });

  it('says the password rule up front, and a too-short password beside the field as it is typed, sending nothing', async () => {
    expect(await page.textContent('#field-newPassword-help')).toContain('At least 12 characters.');
    await page.fill(testId('input-newPassword'), 'short');
    expect(await page.textContent(testId('field-error-newPassword'))).toContain('at least 12 characters');
    await page.click(testId('review-plan'));
    expect(await page.isVisible(testId('screen-inputs'))).toBe(true);
    expect(await page.isVisible(testId('error-notice'))).toBe(false);
    expect(fixture.lastInputs()).toBeUndefined();
  });

  it("fills a generated password using the field's policy, masked until revealed, and acknowledged as stored", async () => {
    await page.click(testId('generate-newPassword'));
    await expect.poll(() => page.inputValue(testId('input-newPassword'))).toMatch(/^typeable-/);
    expect(await page.getAttribute(testId('input-newPassword'), 'type')).toBe('password');
    await page.click(testId('toggle-newPassword'));
    expect(await page.getAttribute(testId('input-newPassword'), 'type')).toBe('text');
    await page.click(testId('toggle-newPassword'));
    expect(await page.getAttribute(testId('input-newPassword'), 'type')).toBe('password');
    await page.click(testId('stored-newPassword'));
  });

  it('shows the plan: facts, warnings, steps with SQL, diff, command, services and the outage badge', async () => {
    await page.click(testId('review-plan'));
    await page.waitForSelector(testId('screen-plan'));
    const sent = fixture.lastInputs() as Record<string, unknown>;
    expect(sent).toMatchObject({
      environmentName: 'Production',
      adminUser: 'admin',
      dialect: 'sqlserver',
      restartServices: true,
      source: { kind: 'manual', server: 'db01.corp', port: 1433 },
    });
    expect(sent.newPassword).toMatch(/^typeable-/);

    expect(await page.locator(testId('plan-fact')).count()).toBe(3);
    expect(await page.locator(`${testId('plan-fact')}[data-status="warn"]`).count()).toBe(1);
    expect(await page.textContent(testId('plan-warning'))).toContain('signed out');
    const change = page.locator(testId('plan-step-set-password'));
    expect(await change.locator(testId('step-sql')).textContent()).toContain('SQL · sqlserver');
    expect(await change.locator('.diff-add').textContent()).toContain('+********');
    expect(await change.locator('.diff-del').textContent()).toContain('-old');
    expect(await change.locator(testId('step-command')).textContent()).toContain(
      'ConfigurationTool.com /SetPlatformServerAdmin admin',
    );
    expect(await change.locator(testId('step-services')).textContent()).toContain(
      'Stops: OutSystems Deployment Controller Service',
    );
    expect(await change.locator(testId('outage-badge')).isVisible()).toBe(true);
    expect(
      await page.locator(`${testId('plan-step-tell-admin')} ${testId('step-instructions')} li`).count(),
    ).toBe(2);
    expect(await page.textContent('body')).not.toContain(sent.newPassword as string);
    await page.screenshot({ path: 'test-results/web-host-plan.png', fullPage: true });
  });

  it('runs: asks to confirm, follows pushed events to the end, and offers the report', async () => {
    await page.click(testId('start-run'));
    await page.waitForSelector(testId('prompt-panel'));
    expect(await page.getAttribute(testId('prompt-panel'), 'data-kind')).toBe('confirm-changes');
    expect(await page.locator(`${testId('prompt-panel')} button`).allTextContents()).toEqual([
      'Go ahead',
      'Cancel the run',
    ]);
    await page.click(testId('prompt-confirm'));
    await page.waitForSelector(`${testId('run-state')}[data-state="succeeded"]`);
    expect(await page.textContent(`${testId('run-step-set-password')} .log`)).toContain('1 row updated.');
    await page.screenshot({ path: 'test-results/web-host-run.png', fullPage: true });

    await page.click(testId('view-report'));
    expect(await page.textContent(testId('journal-hash'))).toBe('sha256:0f1e2d');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(testId('export-md'))]);
    expect(download.suggestedFilename()).toBe('run-1.md');
    await download.saveAs('test-results/web-host-report.md');
    expect(fs.readFileSync('test-results/web-host-report.md', 'utf8')).toContain('State: succeeded');
  });

  it('lists runs', async () => {
    await page.click(testId('nav-runs'));
    await page.waitForSelector(testId('runs-row-run-1'));
    expect(await page.textContent(testId('runs-row-run-1'))).toContain('Succeeded');
  });

  it('made no request beyond its own origin and WebSocket, and hit no CSP or script error', () => {
    const origin = `http://127.0.0.1:${host.port}`;
    const foreign = requests.filter(
      (url) =>
        !url.startsWith(`${origin}/`) &&
        !url.startsWith(`ws://127.0.0.1:${host.port}/`) &&
        !url.startsWith('data:') &&
        !url.startsWith('blob:'),
    );
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('the wizard without its token', () => {
  it('explains how to open it instead of connecting', async () => {
    const other = await browser.newPage();
    await other.goto(`http://127.0.0.1:${host.port}/`);
    await other.waitForSelector(testId('connect-error'));
    expect(await other.textContent(testId('connect-error'))).toContain('access token');
    await other.goto(`http://127.0.0.1:${host.port}/#token=wrong`);
    await other.reload();
    await other.waitForSelector(testId('connect-error'));
    expect(await other.textContent(testId('connect-error'))).toContain('refused');
    await other.close();
  });
});
