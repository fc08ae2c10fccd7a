/**
 * The wizard's state under real timing, in real Chromium over the web host: the token leaves the
 * address bar (and a reload still connects), a field edited while Generate is awaited keeps its edit,
 * an event that overtakes the run.start reply is not lost, and a run left while it waits is reopened from Runs.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventHub } from '../../src/main/api/event-hub.js';
import type { Handlers } from '../../src/main/api/types.js';
import { builtRendererDir } from '../../src/main/host/renderer-dir.js';
import { startWebHost, type WebHost } from '../../src/main/host/web-host.js';
import { createFixtureHandlers } from '../unit/ipc-handlers-fixture.js';
import { openWatchedPage, testId } from '../support/watched-page.js';
import { ensureBuilt } from '../unit/shell-build.js';

const hub = new EventHub();
const fixture = createFixtureHandlers(hub.emit);
let releaseGenerate: (() => void) | undefined;
const handlers: Handlers = {
  ...fixture.handlers,
  // Held until the test lets it go, so the user can edit another field meanwhile.
  'password.generate': async (request) => {
    await new Promise<void>((resolve) => (releaseGenerate = resolve));
    return fixture.handlers['password.generate'](request);
  },
  // The run's newest view (with its prompt) goes out as an event before the reply, which carries an older view.
  'run.start': async (request) => {
    const run = await fixture.handlers['run.start'](request);
    hub.emit('run.event', { type: 'prompt', runId: run.runId, run });
    return { ...run, revision: run.revision - 1, state: 'preflight', prompt: undefined };
  },
};

let host: WebHost;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  ensureBuilt();
  host = await startWebHost({ handlers, hub, rendererDir: builtRendererDir() });
  ({ browser, page, problems } = await openWatchedPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

describe('the wizard state in a real browser', () => {
  it('takes the token out of the address bar, and a reload still connects', async () => {
    await page.goto(host.url);
    await page.waitForSelector(testId('procedure-demo.reset-admin-password'));
    expect(await page.evaluate(() => location.hash)).toBe('');
    expect(page.url()).not.toContain(host.token);
    expect(page.url()).toBe(`http://127.0.0.1:${host.port}/`);
    await page.reload();
    await page.waitForSelector(testId('procedure-demo.reset-admin-password'));
    expect(await page.evaluate(() => location.hash)).toBe('');
    expect(await page.isVisible(testId('connect-error'))).toBe(false);
  });

  it('keeps a field edited while a generated password was on its way', async () => {
    await page.click(testId('procedure-demo.reset-admin-password'));
    await page.waitForSelector(testId('screen-inputs'));
    await page.click(testId('generate-newPassword'));
    await expect.poll(() => releaseGenerate !== undefined).toBe(true);
    await page.fill(testId('input-environmentName'), 'Production');
    await page.click(testId('variant-source-manual'));
    await page.fill(testId('input-source.server'), 'db01.corp');
    releaseGenerate?.();
    await expect.poll(() => page.inputValue(testId('input-newPassword'))).toMatch(/^typeable-/);
    expect(await page.inputValue(testId('input-environmentName'))).toBe('Production');
    expect(await page.inputValue(testId('input-source.server'))).toBe('db01.corp');

    await page.click(testId('stored-newPassword'));
    await page.click(testId('review-plan'));
    await page.waitForSelector(testId('screen-plan'));
    expect(fixture.lastInputs()).toMatchObject({
      environmentName: 'Production',
      source: { kind: 'manual', server: 'db01.corp' },
    });
    expect((fixture.lastInputs() as { newPassword: string }).newPassword).toMatch(/^typeable-/);
  });

  it('shows the prompt from an event that arrived before the older run.start reply', async () => {
    await page.click(testId('start-run'));
    await page.waitForSelector(testId('prompt-panel'));
    expect(await page.getAttribute(testId('prompt-panel'), 'data-kind')).toBe('confirm-changes');
    expect(await page.getAttribute(testId('run-state'), 'data-state')).toBe('awaiting');
  });

  it('lists the waiting run under Runs with Open (not Resume), and Open brings its prompt back', async () => {
    expect(await page.getAttribute(testId('nav-runs'), 'title')).toContain('keeps going');
    expect(await page.getAttribute(testId('nav-new'), 'title')).toContain('reopen it from Runs');
    await page.click(testId('nav-new'));
    await page.waitForSelector(testId('screen-choose'));
    expect(await page.getAttribute(testId('nav-runs'), 'title')).toBeNull();

    await page.click(testId('nav-runs'));
    await page.waitForSelector(testId('runs-row-run-1'));
    expect(await page.textContent(testId('runs-row-run-1'))).toContain('Waiting for you');
    expect(await page.isVisible(testId('resume-run-1'))).toBe(false);
    await page.screenshot({ path: 'test-results/web-host-runs-open.png', fullPage: true });
    await page.click(testId('open-run-1'));
    await page.waitForSelector(testId('prompt-panel'));
    await page.click(testId('prompt-confirm'));
    await page.waitForSelector(`${testId('run-state')}[data-state="succeeded"]`);

    await page.click(testId('nav-runs'));
    await page.waitForSelector(testId('runs-row-run-1'));
    await expect.poll(() => page.textContent(testId('runs-row-run-1'))).toContain('Succeeded');
    expect(await page.isVisible(testId('open-run-1'))).toBe(false);
    expect(problems).toEqual([]);
  });
});
