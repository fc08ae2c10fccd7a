// One path of each in a real browser through the web host, on the practice sandbox: SysReptor's
// API reset with a practice token, Authgear's Admin API reset.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/main/api/create-api.js';
import { EventHub } from '../../src/main/api/event-hub.js';
import { Engine } from '../../src/main/engine/engine.js';
import { builtRendererDir } from '../../src/main/host/renderer-dir.js';
import { startWebHost, type WebHost } from '../../src/main/host/web-host.js';
import { systems } from '../../src/main/systems/index.js';
import { AUTHGEAR_SANDBOX_USERS } from '../../src/main/systems/authgear/sandbox.js';
import { SANDBOX_USER_IDS } from '../../src/main/systems/sysreptor/sandbox.js';
import { independentAuthgearCheck, passwordTables } from '../support/authgear-sandbox.js';
import { freshDataDir } from '../support/engine-harness.js';
import { practiceToken } from '../support/sysreptor-api-server.js';
import { djangoCheck, keysOfAppEnv, pentestUsers, sandboxDeployDir } from '../support/sysreptor-sandbox.js';
import { openWatchedPage, testId } from '../support/watched-page.js';
import { ensureBuilt } from '../unit/shell-build.js';

const NEW_PASSWORD = 'Wizard-api-"pw"<&>-ü';
let api: Awaited<ReturnType<typeof createApi>>;
let host: WebHost;
let browser: Browser;
let page: Page;
let observer: Engine;
let problems: string[];

beforeAll(async () => {
  ensureBuilt();
  const dataDir = freshDataDir('api-wizard');
  const hub = new EventHub();
  api = await createApi({ dataDir, transport: 'web', emit: hub.emit });
  host = await startWebHost({ handlers: api.handlers, hub, rendererDir: builtRendererDir() });
  observer = new Engine(dataDir, systems);
  ({ browser, page, problems } = await openWatchedPage());
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await api?.close();
  await observer?.close();
});

async function runToSuccess(): Promise<void> {
  await page.click(testId('review-plan'));
  await page.waitForSelector(testId('screen-plan'));
  expect(await page.textContent('body')).not.toContain(NEW_PASSWORD);
  await page.click(testId('start-run'));
  await page.waitForSelector(`${testId('prompt-panel')}[data-kind="confirm-changes"]`);
  await page.click(testId('prompt-confirm'));
  await page.waitForSelector(`${testId('run-state')}[data-state="succeeded"]`, { timeout: 60_000 });
}

describe('API paths in a real browser, through the web host, on the practice sandbox', () => {
  it(
    'SysReptor: the API reset with a practice token re-enables jane.doe; Django accepts the stored value',
    { timeout: 180_000 },
    async () => {
      await observer.sandbox.databaseUrl(observer.registry.system('sysreptor'));
      const token = practiceToken(observer, 'admin');
      await page.goto(host.url);
      await page.click(testId('procedure-sysreptor.reset-password'));
      await page.waitForSelector(testId('screen-inputs'));
      await page.fill(testId('input-username'), 'jane.doe');
      await page.fill(testId('input-newPassword'), NEW_PASSWORD);
      await page.fill(testId('input-apiToken'), token);
      await runToSuccess();
      expect(await page.textContent(testId('run-step-reactivate-api'))).toContain('Re-enabled id');
      expect(await page.textContent('body')).not.toContain(token);
      await page.screenshot({ path: 'test-results/sysreptor-api-run.png', fullPage: true });
      const jane = (await pentestUsers(observer)).find((row) => row.id === SANDBOX_USER_IDS.jane);
      expect(jane).toMatchObject({ is_active: true, failed_mfa_attempts: 0, must_change_password: true });
      const keys = keysOfAppEnv(path.join(sandboxDeployDir(observer), 'app.env'));
      expect(djangoCheck(NEW_PASSWORD, jane?.password ?? Buffer.alloc(0), keys).accepted).toBe(true);
      expect(problems).toEqual([]);
    },
  );

  it(
    'Authgear: the Admin API reset for alice; Perl bcrypt accepts the stored hash',
    { timeout: 120_000 },
    async () => {
      await page.goto('about:blank');
      await page.goto(host.url);
      await page.click(testId('procedure-authgear.reset-password'));
      await page.waitForSelector(testId('screen-inputs'));
      await page.fill(testId('input-loginId'), 'alice@practice.example');
      await page.fill(testId('input-newPassword'), NEW_PASSWORD);
      await runToSuccess();
      expect(await page.textContent(testId('run-step-reset-password-admin-api'))).toContain(
        'resetPassword done',
      );
      await page.screenshot({ path: 'test-results/authgear-admin-api-run.png', fullPage: true });
      const tables = await passwordTables(observer);
      const aliceId = tables.authenticators.find((row) => row.user_id === AUTHGEAR_SANDBOX_USERS.alice)?.id;
      const alice = tables.passwords.find((row) => row.id === aliceId);
      expect(alice?.expire_after).not.toBeNull();
      expect(independentAuthgearCheck(NEW_PASSWORD, alice?.password_hash ?? '').accepted).toBe(true);
      expect(problems).toEqual([]);
    },
  );
});
