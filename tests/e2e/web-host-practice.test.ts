import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { createApi } from '../../src/main/api/create-api.js';
import { EventHub } from '../../src/main/api/event-hub.js';
import { builtRendererDir } from '../../src/main/host/renderer-dir.js';
import { serve } from '../../src/main/cli/commands/serve.js';
import { startWebHost, type WebHost } from '../../src/main/host/web-host.js';
import { TOKEN_SUBPROTOCOL_PREFIX, WEB_SOCKET_PATH } from '../../src/shared/transport-wire.js';
import { openWatchedPage, testId } from '../support/watched-page.js';
import { ensureBuilt } from '../unit/shell-build.js';

let dataDir: string;

beforeAll(() => {
  ensureBuilt();
  process.env.BREAKGLASS_SANDBOX_PG_URL = inject('pgAdminUrl');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-web-practice-'));
}, 120_000);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('the wizard over the real API: the practice drill in the sandbox', () => {
  const hub = new EventHub();
  let api: Awaited<ReturnType<typeof createApi>>;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    api = await createApi({ dataDir, transport: 'web', emit: hub.emit });
    host = await startWebHost({ handlers: api.handlers, hub, rendererDir: builtRendererDir() });
    ({ browser, page, problems } = await openWatchedPage());
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await api?.close();
  });

  it('plans and runs the drill to success, answering each prompt, and exports the report', async () => {
    await page.goto(host.url);
    await page.click(testId('procedure-practice.drill'), { timeout: 30_000 });
    expect(await page.isChecked(testId('environment-sandbox'))).toBe(true);
    expect(await page.inputValue(testId('input-account'))).toBe('drill-admin');
    await page.click(testId('generate-newPassword'));
    await expect.poll(() => page.inputValue(testId('input-newPassword'))).not.toBe('');
    const password = await page.inputValue(testId('input-newPassword'));
    await page.click(testId('stored-newPassword'));

    await page.click(testId('review-plan'));
    await page.waitForSelector(testId('screen-plan'), { timeout: 60_000 });
    expect(
      await page.locator(`${testId('plan-step-set-password')} ${testId('step-sql')}`).textContent(),
    ).toContain('UPDATE');
    expect(
      await page.locator(`${testId('plan-step-switch-password-store')} .diff-add`).count(),
    ).toBeGreaterThan(0);
    expect(await page.textContent('body')).not.toContain(password);
    await page.screenshot({ path: 'test-results/web-host-practice-plan.png', fullPage: true });

    await page.click(testId('start-run'));
    const answered: string[] = [];
    for (let turn = 0; turn < 12; turn += 1) {
      const state = await page.waitForSelector(
        `${testId('prompt-panel')}, ${testId('run-state')}[data-state="succeeded"], ${testId('run-state')}[data-state="failed"]`,
        { timeout: 60_000 },
      );
      if ((await state.getAttribute('data-testid')) !== 'prompt-panel') break;
      const kind = (await state.getAttribute('data-kind')) ?? '';
      answered.push(kind);
      if (kind === 'manual') {
        expect(await page.textContent(testId('prompt-confirm'))).toBe('Done — check it');
        await page.screenshot({ path: 'test-results/web-host-practice-manual.png', fullPage: true });
      }
      await page.click(testId('prompt-confirm'));
      await page.waitForFunction(
        (previous) =>
          document.querySelector('[data-testid="prompt-panel"]')?.getAttribute('data-kind') !== previous ||
          !document.querySelector('[data-testid="prompt-panel"]'),
        kind,
        { timeout: 60_000 },
      );
    }
    expect(answered).toContain('confirm-changes');
    expect(await page.getAttribute(testId('run-state'), 'data-state')).toBe('succeeded');
    expect(answered).toEqual(['confirm-changes', 'confirm-outage', 'manual']);
    const stepStates = await page
      .locator('[data-testid^="run-step-"]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-state')));
    expect(stepStates).toHaveLength(8);
    expect(new Set(stepStates)).toEqual(new Set(['done']));
    expect(await page.textContent('body')).not.toContain(password);
    await page.screenshot({ path: 'test-results/web-host-practice-run.png', fullPage: true });

    await page.click(testId('view-report'));
    expect(await page.textContent(testId('journal-path'))).toContain(dataDir);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(testId('export-html'))]);
    await download.saveAs('test-results/web-host-practice-report.html');
    const report = fs.readFileSync('test-results/web-host-practice-report.html', 'utf8');
    expect(report).toContain('Practice drill');
    expect(report).not.toContain(password);

    await page.click(testId('nav-runs'));
    await page.waitForSelector('[data-testid^="runs-row-"]');
    expect(problems).toEqual([]);
  }, 180_000);
});

describe('breakglass serve', () => {
  it('prints the wizard URL, answers over the token-guarded WebSocket with transport "web", and stops when told', async () => {
    const stdout = new PassThrough();
    let printed = '';
    stdout.on('data', (chunk) => (printed += chunk.toString()));
    let stop: () => void = () => undefined;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const io = {
      stdin: new PassThrough(),
      stdout,
      stderr: new PassThrough(),
      env: process.env,
      cwd: process.cwd(),
    };
    const exit = serve({ dataDir, io, until });

    await expect
      .poll(() => /http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.exec(printed)?.[0], { timeout: 30_000 })
      .toBeTruthy();
    const url = new URL(/http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.exec(printed)![0]);
    const token = url.hash.slice('#token='.length);
    const socket = new WebSocket(
      `ws://${url.host}${WEB_SOCKET_PATH}`,
      [`${TOKEN_SUBPROTOCOL_PREFIX}${token}`],
      { origin: url.origin },
    );
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const reply = await new Promise<{ result: { ok: boolean; value?: { transport: string } } }>((resolve) => {
      socket.once('message', (data) => resolve(JSON.parse(data.toString())));
      socket.send(JSON.stringify({ id: 1, channel: 'app.info', request: {} }));
    });
    expect(reply.result).toMatchObject({ ok: true, value: { transport: 'web' } });
    socket.close();

    stop();
    expect(await exit).toBe(0);
  }, 60_000);

  it('refuses a port that is taken with a message naming --port', async () => {
    const blocker = await startWebHost({
      handlers: {} as never,
      hub: new EventHub(),
      rendererDir: builtRendererDir(),
    });
    const stderr = new PassThrough();
    let written = '';
    stderr.on('data', (chunk) => (written += chunk.toString()));
    const io = {
      stdin: new PassThrough(),
      stdout: new PassThrough(),
      stderr,
      env: process.env,
      cwd: process.cwd(),
    };
    try {
      expect(await serve({ dataDir, io, port: blocker.port })).toBe(2);
      expect(written).toContain(`port: ${blocker.port} is already in use`);
      expect(written).toContain('--port');
    } finally {
      await blocker.close();
    }
  }, 60_000);
});
