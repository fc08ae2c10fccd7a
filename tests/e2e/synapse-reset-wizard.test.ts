// synapse.reset-password in a real browser through the web host, on the practice sandbox: the
// recommended path (admin API with the practice admin token), said and shown in the plan, run to
// success; the stored hash checked by Perl's Crypt::Eksblowfish with NFKC + pepper.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/main/api/create-api.js';
import { EventHub } from '../../src/main/api/event-hub.js';
import { Engine } from '../../src/main/engine/engine.js';
import { builtRendererDir } from '../../src/main/host/renderer-dir.js';
import { startWebHost, type WebHost } from '../../src/main/host/web-host.js';
import { systems } from '../../src/main/systems/index.js';
import { SYNAPSE_SANDBOX_USERS } from '../../src/main/systems/synapse/sandbox.js';
import { freshDataDir } from '../support/engine-harness.js';
import { pepperOf, perlAcceptsSynapseHash, sandboxFiles, synapseUsers } from '../support/synapse-sandbox.js';
import { openWatchedPage, testId } from '../support/watched-page.js';
import { ensureBuilt } from '../unit/shell-build.js';

const NEW_PASSWORD = 'Wizard-synapse-"pw"<&>-ü';
let api: Awaited<ReturnType<typeof createApi>>;
let host: WebHost;
let browser: Browser;
let page: Page;
let observer: Engine;
let problems: string[];

beforeAll(async () => {
  ensureBuilt();
  const dataDir = freshDataDir('syn-wizard');
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

describe('Synapse password reset in a real browser, through the web host, on the practice sandbox', () => {
  it('recommends the admin API and says why, runs it, and the user logs in with the new password', async () => {
    await page.goto(host.url);
    await page.click(testId('procedure-synapse.reset-password'));
    await page.waitForSelector(testId('screen-inputs'));
    expect(await page.isChecked(testId('environment-sandbox'))).toBe(true);
    await page.fill(testId('input-user'), 'alice');
    await page.fill(testId('input-newPassword'), NEW_PASSWORD);
    await page.click(testId('review-plan'));
    await page.waitForSelector(testId('screen-plan'));
    const facts = (await page.locator(testId('plan-fact')).allTextContents()).join('\n');
    expect(facts).toMatch(/admin API — an admin token is at hand: Synapse hashes the password itself/);
    expect(facts).toMatch(/practice\.example/);
    expect(await page.textContent(testId('plan-step-reset-password-api'))).toContain(
      '/_synapse/admin/v1/reset_password/',
    );
    expect(await page.textContent('body')).not.toContain(NEW_PASSWORD);
    await page.screenshot({ path: 'test-results/synapse-reset-plan.png', fullPage: true });

    await page.click(testId('start-run'));
    await page.waitForSelector(`${testId('prompt-panel')}[data-kind="confirm-changes"]`);
    await page.click(testId('prompt-confirm'));
    await page.waitForSelector(`${testId('run-state')}[data-state="succeeded"]`, { timeout: 60_000 });
    expect(await page.textContent(testId('run-step-verify-login'))).toContain(
      'logged in with the new password',
    );
    await page.screenshot({ path: 'test-results/synapse-reset-run.png', fullPage: true });

    const files = await sandboxFiles(observer);
    const alice = (await synapseUsers(observer)).find((row) => row.name === SYNAPSE_SANDBOX_USERS.alice);
    expect(perlAcceptsSynapseHash(NEW_PASSWORD, pepperOf(files.homeserver), alice?.password_hash ?? '')).toBe(
      true,
    );
    expect(await page.textContent('body')).not.toContain(NEW_PASSWORD);
    expect(problems).toEqual([]);
  });
});
