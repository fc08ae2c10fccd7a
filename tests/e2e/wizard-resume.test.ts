/**
 * Resume after the host process is killed, in real Chromium: `breakglass serve` (a child process)
 * runs the practice drill until the service is stopped and a step has failed, is killed with
 * SIGKILL, and a new `serve` on the same data folder shows the run in Runs as needing attention;
 * Resume asks for the run's password by its label, and the run goes on to success.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cliCommand } from '../support/cli-process.js';
import { openWatchedPage, testId } from '../support/watched-page.js';
import { ensureBuilt } from '../unit/shell-build.js';

const PASSWORD = 'Resume-test-pw-42!';
let dataDir: string;
let browser: Browser;
let page: Page;
const children: ChildProcess[] = [];

/** Starts `breakglass serve` on the data folder and returns the wizard's URL (with its token) once printed. */
async function serve(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...cliCommand(), '--data-dir', dataDir, 'serve'], {
    env: { ...process.env, BREAKGLASS_SANDBOX_PG_URL: inject('pgAdminUrl') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let printed = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${printed}`)), 60_000);
    const read = (chunk: Buffer) => {
      printed += chunk.toString();
      const found = /http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.exec(printed)?.[0];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${printed}`)));
  });
  return { child, url };
}

beforeAll(async () => {
  ensureBuilt();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-web-resume-'));
  ({ browser, page } = await openWatchedPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('resume after the host process is killed', () => {
  it('shows the killed run as needing attention in Runs, asks its password by label, and finishes it', async () => {
    const first = await serve();
    await page.goto(first.url);
    await page.click(testId('procedure-practice.drill'), { timeout: 30_000 });
    await page.fill(testId('input-newPassword'), PASSWORD);
    await page.selectOption(testId('input-rehearseFailureAt'), 'set-password');
    await page.click(testId('review-plan'));
    await page.waitForSelector(testId('screen-plan'), { timeout: 60_000 });
    await page.click(testId('start-run'));
    for (const kind of ['confirm-changes', 'confirm-outage']) {
      await page.waitForSelector(`${testId('prompt-panel')}[data-kind="${kind}"]`, { timeout: 60_000 });
      await page.click(testId('prompt-confirm'));
    }
    await page.waitForSelector(`${testId('prompt-panel')}[data-kind="failure"]`, { timeout: 60_000 });
    const runId = new URL(page.url()).hash.replace('#/run/', '');
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    const second = await serve();
    await page.goto(second.url);
    await page.click(testId('nav-runs'), { timeout: 30_000 });
    await page.waitForSelector(testId(`runs-row-${runId}`));
    expect(await page.textContent(testId(`runs-state-${runId}`))).toBe('Needs attention');
    expect(await page.textContent(testId(`runs-attention-${runId}`))).toContain('PracticeApp is stopped');
    await page.screenshot({ path: 'test-results/wizard-resume-runs.png', fullPage: true });

    await page.click(testId(`resume-${runId}`));
    expect(await page.textContent(`label[for="resume-${runId}-newPassword"]`)).toBe('New password');
    await page.fill(testId('resume-secret-newPassword'), PASSWORD);
    await page.click(testId('resume-submit'));
    await page.waitForSelector(testId('screen-run'), { timeout: 60_000 });
    for (let turn = 0; turn < 8; turn += 1) {
      const shown = await page.waitForSelector(`${testId('prompt-panel')}, ${testId('done-summary')}`, {
        timeout: 60_000,
      });
      if ((await shown.getAttribute('data-testid')) !== 'prompt-panel') break;
      const kind = await shown.getAttribute('data-kind');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('prompt-title');
      await page.click(testId(kind === 'failure' ? 'prompt-retry' : 'prompt-confirm'));
      await page.waitForFunction(
        (previous) =>
          document.querySelector('[data-testid="prompt-panel"]')?.getAttribute('data-kind') !== previous,
        kind,
        { timeout: 60_000 },
      );
    }
    expect(await page.getAttribute(testId('run-state'), 'data-state')).toBe('succeeded');
    expect(await page.textContent('body')).not.toContain(PASSWORD);
  }, 240_000);
});
