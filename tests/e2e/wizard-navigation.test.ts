/**
 * Navigation that never loses the admin, in real Chromium over the web host and the real API on the
 * practice sandbox: Back from the plan to the form (values kept), a reload mid-run (the run and its
 * prompt come back from the address), browser Back from the run, and the banner that reopens a run
 * waiting on a decision from any screen.
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
import { openWatchedPage, testId } from '../support/watched-page.js';
import { ensureBuilt } from '../unit/shell-build.js';

const PASSWORD = 'Nav-test-pw-42!';
let dataDir: string;
let api: Awaited<ReturnType<typeof createApi>>;
let host: WebHost;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  ensureBuilt();
  process.env.BREAKGLASS_SANDBOX_PG_URL = inject('pgAdminUrl');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-web-nav-'));
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

describe('the wizard keeps the admin where they were', () => {
  it('Back from the plan returns to the form with its values (the password too), and the rail leads back to done steps', async () => {
    await page.goto(host.url);
    await page.click(testId('procedure-practice.drill'), { timeout: 30_000 });
    await page.fill(testId('input-account'), 'drill-admin');
    await page.fill(testId('input-newPassword'), PASSWORD);
    await page.click(testId('review-plan'));
    await page.waitForSelector(testId('screen-plan'), { timeout: 60_000 });
    expect(new URL(page.url()).hash).toBe('#/plan/practice.drill');

    await page.click(testId('back-to-inputs'));
    await page.waitForSelector(testId('screen-inputs'));
    expect(await page.inputValue(testId('input-newPassword'))).toBe(PASSWORD);
    await page.goBack();
    await page.waitForSelector(testId('screen-plan'));
    await page.goBack();
    await page.waitForSelector(testId('screen-inputs'));
    expect(await page.inputValue(testId('input-account'))).toBe('drill-admin');

    await page.click(testId('review-plan'));
    await page.waitForSelector(testId('screen-plan'), { timeout: 60_000 });
    await page.click(`${testId('rail-step-inputs')} button`);
    await page.waitForSelector(testId('screen-inputs'));
    expect(await page.inputValue(testId('input-newPassword'))).toBe(PASSWORD);
    await page.click(`${testId('rail-step-choose')} button`);
    await page.waitForSelector(testId('screen-choose'));
    await page.goBack();
    await page.waitForSelector(testId('screen-inputs'));
  }, 120_000);

  it('a reload mid-run comes back to the run and its prompt; Back goes to the plan (already started); the banner reopens the waiting run', async () => {
    await page.click(testId('review-plan'));
    await page.waitForSelector(testId('screen-plan'), { timeout: 60_000 });
    await page.click(testId('start-run'));
    await page.waitForSelector(`${testId('prompt-panel')}[data-kind="confirm-changes"]`, { timeout: 60_000 });
    const runUrl = page.url();
    expect(new URL(runUrl).hash).toMatch(/^#\/run\//);

    await page.reload();
    await page.waitForSelector(`${testId('prompt-panel')}[data-kind="confirm-changes"]`, { timeout: 30_000 });
    expect(page.url()).toBe(runUrl);

    await page.goBack();
    await page.waitForSelector(testId('screen-plan'));
    expect(await page.isVisible(testId('start-run'))).toBe(false);
    expect(await page.isVisible(testId('open-started-run'))).toBe(true);

    await page.click(testId('nav-new'));
    await page.waitForSelector(testId('screen-choose'));
    await page.waitForSelector(testId('waiting-banner'));
    expect(await page.textContent(testId('waiting-banner'))).toContain('waiting for your decision');
    await page.click(`${testId('waiting-banner')} button`);
    await page.waitForSelector(`${testId('prompt-panel')}[data-kind="confirm-changes"]`);
    expect(page.url()).toBe(runUrl);
    expect(await page.isVisible(testId('waiting-banner'))).toBe(false);

    await page.click(testId('prompt-cancel'));
    await page.waitForSelector(`${testId('run-state')}[data-state="cancelled"]`, { timeout: 30_000 });
    expect(await page.textContent('body')).not.toContain(PASSWORD);
    expect(problems).toEqual([]);
  }, 120_000);
});
