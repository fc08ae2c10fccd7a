/**
 * Every screen of the wizard in real Chromium over the web host and the real API (the practice
 * sandbox, and discovery of this machine, which has no install): axe-core finds no serious or
 * critical violation on any of them, in the light and the dark colour scheme, and each is saved as
 * a screenshot under test-results/; the run, report and Runs fit 1024×700 and 125 % zoom. The first screen's cards speak plainly and the header shows no
 * platform string; the run screen says where the run is.
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

const PASSWORD = 'Screens-test-pw-42!';
let dataDir: string;
let api: Awaited<ReturnType<typeof createApi>>;
let host: WebHost;
let browser: Browser;
let page: Page;
let problems: string[];
const findings: string[] = [];

beforeAll(async () => {
  ensureBuilt();
  process.env.BREAKGLASS_SANDBOX_PG_URL = inject('pgAdminUrl');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-web-screens-'));
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

/** axe and a screenshot of the screen as it is, in both colour schemes. */
async function look(name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    findings.push(...(await seriousViolations(page, `${name} (${colorScheme})`)));
    await page.screenshot({ path: `test-results/wizard-${name}-${colorScheme}.png`, fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** At 1024×700, and the same at 125 % zoom (a CSS viewport 1/1.25 of it), nothing scrolls sideways. */
async function fits(name: string): Promise<void> {
  for (const [width, height] of [
    [1024, 700],
    [819, 560],
  ] as const) {
    await page.setViewportSize({ width, height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} at ${width}×${height}`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `test-results/wizard-${name}-${width}x${height}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 1000 });
}

describe('every screen', () => {
  it('has no serious or critical axe violation, light or dark, from the first screen to Runs', async () => {
    await page.goto(host.url);
    await page.waitForSelector(testId('screen-choose'), { timeout: 30_000 });
    const cards = await page.locator('.procedure-card').allTextContents();
    expect(cards.length).toBeGreaterThan(2);
    for (const card of cards) expect(card).not.toMatch(/Seed \d|\$\w+\$|\bUPDATE\b|ISACTIVE/);
    expect(await page.textContent(testId('app-header'))).not.toMatch(/linux|win32|darwin|\d+\.\d+\.\d+-/);
    await look('choose');

    await page.click(testId('discover-outsystems-real'));
    await page.waitForSelector(testId('discovery-verdict-outsystems'), { timeout: 60_000 });
    expect(await page.getAttribute(testId('discovery-verdict-outsystems'), 'data-found')).toBe('false');
    expect(await page.textContent(testId('discovery-verdict-outsystems'))).toContain(
      'use the practice sandbox, or choose its folder',
    );
    expect(await page.isVisible(testId('discovery-folder-outsystems'))).toBe(true);
    await look('choose-discovery');

    await page.click(testId('procedure-practice.drill'));
    await page.waitForSelector(testId('screen-inputs'));
    await page.fill(testId('input-newPassword'), PASSWORD);
    await look('inputs');
    await page.click(testId('review-plan'));
    await page.waitForSelector(testId('screen-plan'), { timeout: 60_000 });
    await look('plan');

    await page.click(testId('start-run'));
    await page.waitForSelector(`${testId('prompt-panel')}[data-kind="confirm-changes"]`, { timeout: 60_000 });
    expect(await page.textContent(testId('run-position'))).toMatch(/^Step \d of 8$/);
    expect(await page.textContent(testId('run-orientation'))).toContain('Practice sandbox');
    await look('run-confirm');
    await page.click(testId('prompt-confirm'));
    await page.waitForSelector(`${testId('prompt-panel')}[data-kind="confirm-outage"]`, { timeout: 60_000 });
    expect(await page.textContent('#prompt-message')).toContain('Nobody can sign in');
    expect(await page.textContent(testId('prompt-outage-steps'))).toContain('Stop PracticeApp');
    await look('run-outage');
    await page.click(testId('prompt-confirm'));
    await page.waitForSelector(`${testId('prompt-panel')}[data-kind="manual"]`, { timeout: 60_000 });
    expect(await page.getAttribute(testId('outage-status'), 'data-state')).toBe('closed');
    expect(await page.textContent(testId('prompt-sandbox-note'))).toContain('practice sandbox');
    await look('run-manual');
    await fits('run-manual');
    await page.click(testId('prompt-confirm'));
    await page.waitForSelector(testId('done-summary'), { timeout: 60_000 });
    // What to do next, in the procedure's own words.
    expect(await page.textContent(testId('done-next'))).toContain(
      'Sign in to PracticeApp with the new password',
    );
    await look('done');

    await page.click(testId('view-report'));
    await page.waitForSelector(testId('report-steps'));
    await look('report');
    await fits('report');
    await page.click(testId('undo-run'));
    await page.waitForSelector(testId('undo-steps'), { timeout: 60_000 });
    await look('undo');
    await page.click(testId('nav-runs'));
    await page.waitForSelector('[data-testid^="runs-row-"] [data-testid="environment-badge"]');
    await look('runs');

    await fits('runs');

    expect(findings).toEqual([]);
    expect(problems).toEqual([]);
  }, 240_000);
});
