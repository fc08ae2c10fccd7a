/**
 * The renderer's screens in real Chromium with the real stores and client over an answering
 * transport: the form generator (lists, maps, variants and secrets inside them), the password
 * field (rule up front, errors by label beside the field as you type, a generated password kept
 * masked until revealed, copied and acknowledged), the plan view and the run view.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PlanView, ProcedureSummary, RunView } from '../../src/shared/procedure.js';
import { openComponentPage, type ComponentPage } from '../support/component-page.js';
import { testId } from '../support/watched-page.js';

declare const harness: {
  start(answers: Record<string, (request: unknown) => unknown>): Promise<void>;
  push(run: RunView): void;
  calls: Array<{ channel: string; request: unknown }>;
};

const GENERATED = 'Gen-erated-Pw-0042';

const procedure: ProcedureSummary = {
  id: 'demo.farm',
  system: 'demo',
  title: 'Rotate a farm password',
  summary: 'Changes the database password on every server of a farm.',
  inputSchema: {
    type: 'object',
    required: ['account', 'newPassword', 'servers'],
    properties: {
      account: { type: 'string', title: 'Account', minLength: 3, default: 'admin' },
      newPassword: {
        type: 'string',
        title: 'New password',
        minLength: 12,
        secret: true,
        passwordPolicy: 'typeable',
      },
      servers: {
        type: 'array',
        title: 'Servers',
        minItems: 1,
        items: {
          type: 'object',
          title: 'Server',
          required: ['host', 'agentKey'],
          properties: {
            host: { type: 'string', title: 'Host name', minLength: 1 },
            agentKey: { type: 'string', title: 'Agent key', secret: true },
          },
        },
      },
      vaultKeys: {
        type: 'object',
        title: 'Vault keys',
        propertyNames: { type: 'string' },
        additionalProperties: { type: 'string', secret: true },
      },
    },
  },
};

const plan: PlanView = {
  planId: 'plan-9',
  procedureId: 'demo.farm',
  title: 'Rotate a farm password',
  environment: 'sandbox',
  target: 'sandbox:demo',
  facts: [{ label: 'Servers', value: '1', status: 'info' }],
  warnings: ['Users are signed out.'],
  steps: [
    {
      id: 'stop',
      kind: 'change',
      title: 'Stop the app',
      undoable: true,
      description: {
        summary: 'Stops the app service.',
        details: [],
        sql: [],
        services: { stop: ['App service'], start: [] },
        outage: true,
        instructions: [],
        warnings: [],
      },
    },
  ],
};

let component: ComponentPage;
beforeAll(async () => {
  component = await openComponentPage('tests/component/screens.entry.tsx');
  await component.page
    .context()
    .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: component.url });
}, 120_000);
afterAll(() => component?.close());
beforeEach(async () => {
  await component.page.goto(component.url);
  await component.page.evaluate(() => sessionStorage.clear());
  await component.page.reload();
  await component.page.waitForFunction(() => 'harness' in window);
});

/** Starts the app with the answers named here (functions given as source, run in the page). */
async function start(answers: Record<string, string>): Promise<void> {
  await component.page.evaluate(
    async ({ answers, procedure, plan }) => {
      const table: Record<string, (request: unknown) => unknown> = {
        'app.info': () => ({
          name: 'breakglass',
          version: '1.2.3',
          platform: 'linux 6.1.0-kernel-string',
          transport: 'web',
          dataDir: '/tmp',
          sandboxSuggested: true,
        }),
        'procedures.list': () => ({
          procedures: [procedure],
          systems: [{ id: 'demo', title: 'Demo', hasDiscovery: false }],
        }),
        'runs.list': () => ({ runs: [] }),
        'plan.create': () => plan,
      };
      for (const [channel, source] of Object.entries(answers))
        table[channel] = new Function('request', 'plan', `return (${source})(request, plan)`) as never;
      const bound = Object.fromEntries(
        Object.entries(table).map(([channel, answer]) => [
          channel,
          (request: unknown) => (answer as (r: unknown, p: unknown) => unknown)(request, plan),
        ]),
      );
      await harness.start(bound);
    },
    { answers, procedure, plan },
  );
}

const page = () => component.page;
const planCalls = () =>
  page().evaluate(() =>
    harness.calls.filter((call) => call.channel === 'plan.create').map((call) => call.request),
  );

describe('the form generator', () => {
  it('gives lists and maps their own controls, secrets inside them masked, never a JSON box', async () => {
    await start({});
    await page().click(testId('procedure-demo.farm'));
    await page().waitForSelector(testId('screen-inputs'));
    expect(await page().locator('textarea').count()).toBe(0);

    await page().click(testId('add-servers'));
    await page().click(testId('add-servers'));
    await page().fill(testId('input-servers.0.host'), 'web-01');
    await page().fill(testId('input-servers.0.agentKey'), 'agent-key-1');
    await page().fill(testId('input-servers.1.host'), 'web-02');
    expect(await page().getAttribute(testId('input-servers.0.agentKey'), 'type')).toBe('password');
    expect(await page().locator(`label[for="field-servers_0_host"]`).textContent()).toContain('Host name');
    await page().click(testId('remove-servers.0'));
    expect(await page().inputValue(testId('input-servers.0.host'))).toBe('web-02');
    expect(await page().locator('[data-testid^="input-servers.1"]').count()).toBe(0);

    await page().click(testId('add-vaultKeys'));
    await page().fill(testId('record-key-vaultKeys-0'), 'primary');
    await page().fill(testId('input-vaultKeys.primary'), 'vault-secret-1');
    expect(await page().getAttribute(testId('input-vaultKeys.primary'), 'type')).toBe('password');
    expect(await page().textContent('body')).not.toContain('vault-secret-1');
  });

  it('says the password rule before submit, and names problems by label beside the field as you type', async () => {
    await start({});
    await page().click(testId('procedure-demo.farm'));
    await page().waitForSelector(testId('screen-inputs'));
    expect(await page().textContent('#field-newPassword-help')).toContain('At least 12 characters.');
    expect(await page().locator(testId('field-error-newPassword')).count()).toBe(0);

    await page().fill(testId('input-newPassword'), 'short');
    expect(await page().textContent(testId('field-error-newPassword'))).toBe(
      'Use at least 12 characters (now 5).',
    );
    expect(await page().getAttribute(testId('input-newPassword'), 'aria-invalid')).toBe('true');
    expect(await page().getAttribute(testId('input-newPassword'), 'aria-describedby')).toContain(
      'field-newPassword-error',
    );
    await page().fill(testId('input-newPassword'), 'long-enough-pw');
    expect(await page().locator(testId('field-error-newPassword')).count()).toBe(0);

    await page().fill(testId('input-newPassword'), '');
    expect(await page().textContent(testId('field-error-newPassword'))).toBe('Required.');
    await page().click(testId('review-plan'));
    expect(await page().textContent(testId('field-error-servers'))).toBe('Add at least 1 item.');
    expect(await page().evaluate(() => document.activeElement?.id)).toBe('field-newPassword');
    expect(await planCalls()).toEqual([]);
    expect(await page().locator(testId('error-notice')).count()).toBe(0);
  });

  it("puts the engine's refusal next to the field it names, in words", async () => {
    await start({
      'plan.create':
        '() => new Error("newPassword: the platform refuses this password. Fix: choose another.")',
    });
    await page().click(testId('procedure-demo.farm'));
    await page().fill(testId('input-newPassword'), 'long-enough-pw');
    await page().click(testId('add-servers'));
    await page().fill(testId('input-servers.0.host'), 'web-01');
    await page().fill(testId('input-servers.0.agentKey'), 'k');
    await page().click(testId('review-plan'));
    await page().waitForSelector(testId('field-error-newPassword'));
    expect(await page().textContent(testId('field-error-newPassword'))).toBe(
      'The platform refuses this password. Fix: choose another.',
    );
    expect(await page().locator(testId('error-notice')).count()).toBe(0);
    await page().fill(testId('input-newPassword'), 'another-long-pw');
    expect(await page().locator(testId('field-error-newPassword')).count()).toBe(0);
  });
});

describe('the plan view', () => {
  it('shows the phases with their steps and the outage window (what users lose, how long, from which step to which)', async () => {
    await start({
      'plan.create': `(request, plan) => ({
        ...plan,
        steps: [
          { ...plan.steps[0], id: 'check', kind: 'check', title: 'Check the app', description: { ...plan.steps[0].description, outage: false } },
          plan.steps[0],
          { ...plan.steps[0], id: 'start', title: 'Start the app', description: { ...plan.steps[0].description, outage: false } },
        ],
        phases: [
          { id: 'pre', title: 'Preflight', summary: 'Checks only.', stepIds: ['check'] },
          { id: 'down', title: 'Outage', stepIds: ['stop', 'start'] },
        ],
        outage: { stepIds: ['stop', 'start'], expectedMinutes: 3, impact: 'Nobody can sign in to the app' },
      })`,
    });
    await page().click(testId('procedure-demo.farm'));
    await page().fill(testId('input-newPassword'), 'long-enough-pw');
    await page().click(testId('add-servers'));
    await page().fill(testId('input-servers.0.host'), 'web-01');
    await page().fill(testId('input-servers.0.agentKey'), 'k');
    await page().click(testId('review-plan'));
    await page().waitForSelector(testId('screen-plan'));
    expect(await page().textContent(testId('plan-phase-pre'))).toContain('Step 1');
    expect(await page().textContent(testId('plan-phase-down'))).toContain('Steps 2–3');
    expect(await page().textContent(testId('plan-outage'))).toContain(
      'Nobody can sign in to the app, for about 3 min.',
    );
    expect(await page().textContent(testId('plan-outage'))).toContain(
      'From step 2 “Stop the app” to step 3 “Start the app”.',
    );
  });
});

describe('the password field', () => {
  it('keeps a generated password masked until revealed, copies it, and wants "I stored it" before the plan', async () => {
    await start({ 'password.generate': `() => ({ password: '${GENERATED}', entropyBits: 90 })` });
    await page().click(testId('procedure-demo.farm'));
    await page().click(testId('add-servers'));
    await page().fill(testId('input-servers.0.host'), 'web-01');
    await page().fill(testId('input-servers.0.agentKey'), 'k');
    await page().click(testId('generate-newPassword'));
    await page().waitForSelector(testId('generated-newPassword'));
    expect(await page().getAttribute(testId('input-newPassword'), 'type')).toBe('password');
    expect(await page().inputValue(testId('input-newPassword'))).toBe(GENERATED);
    expect(await page().textContent('body')).not.toContain(GENERATED);

    await page().click(testId('review-plan'));
    expect(await page().textContent(testId('field-error-newPassword'))).toContain('I stored it');
    expect(await planCalls()).toEqual([]);

    await page().click(testId('toggle-newPassword'));
    expect(await page().getAttribute(testId('input-newPassword'), 'type')).toBe('text');
    await page().click(testId('copy-newPassword'));
    await expect.poll(() => page().evaluate(() => navigator.clipboard.readText())).toBe(GENERATED);
    await page().click(testId('stored-newPassword'));
    expect(await page().locator(testId('field-error-newPassword')).count()).toBe(0);
    await page().click(testId('review-plan'));
    await page().waitForSelector(testId('screen-plan'));
    expect(await planCalls()).toMatchObject([{ inputs: { newPassword: GENERATED } }]);
    expect(await page().textContent('body')).not.toContain(GENERATED);
  });

  it('typing over a generated password makes it an ordinary one again (no acknowledgement asked)', async () => {
    await start({ 'password.generate': `() => ({ password: '${GENERATED}', entropyBits: 90 })` });
    await page().click(testId('procedure-demo.farm'));
    await page().click(testId('generate-newPassword'));
    await page().waitForSelector(testId('generated-newPassword'));
    await page().fill(testId('input-newPassword'), 'typed-by-hand-pw');
    expect(await page().locator(testId('generated-newPassword')).count()).toBe(0);
  });
});
