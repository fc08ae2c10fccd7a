/**
 * Discovery on the first screen in real Chromium with the real client over an answering transport:
 * progress while it looks, a one-line verdict, a folder field when nothing usable was found (or
 * the engine asks for the folder, its message beside the field), no green tick on "unknown".
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openComponentPage, type ComponentPage } from '../support/component-page.js';
import { testId } from '../support/watched-page.js';
import { seriousViolations } from './axe-check.js';

declare const harness: {
  start(answers: Record<string, (request: unknown) => unknown>): Promise<void>;
  calls: Array<{ channel: string; request: unknown }>;
};

let component: ComponentPage;
beforeAll(async () => {
  component = await openComponentPage('tests/component/screens.entry.tsx');
}, 120_000);
afterAll(() => component?.close());
beforeEach(async () => {
  await component.page.goto(component.url);
  await component.page.waitForFunction(() => 'harness' in window);
});
const page = () => component.page;

/** Starts the first screen with a demo system whose discovery answers with `discover` (source, run in the page). */
async function start(discover: string): Promise<void> {
  await page().evaluate(async (source) => {
    await harness.start({
      'app.info': () => ({
        name: 'breakglass',
        version: '1.2.3',
        platform: 'linux',
        transport: 'web',
        dataDir: '/tmp',
        sandboxSuggested: true,
      }),
      'procedures.list': () => ({
        procedures: [
          {
            id: 'demo.reset',
            system: 'demo',
            title: 'Reset the admin password',
            summary: 'Sets a new password.',
            inputSchema: { type: 'object', properties: {} },
          },
        ],
        systems: [
          {
            id: 'demo',
            title: 'Demo',
            hasDiscovery: true,
            discoveryFolder: { option: 'installDir', label: 'Install folder' },
          },
        ],
      }),
      'runs.list': () => ({ runs: [] }),
      'discover.run': new Function('request', `return (${source})(request)`) as never,
    });
  }, discover);
}

const NOTHING_HERE = `async (request) => {
  await new Promise((resolve) => setTimeout(resolve, 1500));
  if (request.options.installDir === '/opt/demo')
    return { system: 'demo', title: 'Demo Server', sections: [{ title: 'Installation', facts: [
      { label: 'Folder', value: '/opt/demo', status: 'ok' }, { label: 'Version', value: '4.2', status: 'ok' } ] }] };
  return { system: 'demo', title: 'Demo Server', sections: [{ title: 'Installation', facts: [
    { label: 'Version', value: 'unknown', status: 'ok' },
    { label: 'Config file', value: 'does not exist', status: 'error' } ] }] };
}`;

describe('discovery on the first screen', () => {
  it('shows progress while it looks, then one verdict line and a folder field when nothing usable is here', async () => {
    await start(NOTHING_HERE);
    await page().click(testId('discover-demo-real'));
    await page().waitForSelector(testId('discovery-progress-demo'));
    expect(await page().textContent(testId('discovery-progress-demo'))).toContain('Looking at this server');
    await page().waitForSelector(testId('discovery-verdict-demo'));
    expect(await page().locator(testId('discovery-progress-demo')).count()).toBe(0);
    expect(await page().textContent(testId('discovery-verdict-demo'))).toBe(
      'No usable Demo Server install found here — use the practice sandbox, or choose its folder.',
    );
    expect(await page().getAttribute(`${testId('plan-fact')}:has-text("unknown")`, 'data-status')).toBe(
      'info',
    );
    expect(await page().isVisible(testId('plan-fact'))).toBe(false);
    expect(await seriousViolations(page(), 'choose, nothing found')).toEqual([]);

    await page().fill(testId('discovery-folder-demo'), '/opt/demo');
    await page().click(`${testId('discovery-folder-form-demo')} button`);
    await page().waitForSelector(`${testId('discovery-verdict-demo')}[data-found="true"]`);
    expect(await page().textContent(testId('discovery-verdict-demo'))).toBe('Demo Server found.');
    expect(await page().textContent(testId('discovery-report-demo'))).toContain('/opt/demo');
    const requests = await page().evaluate(() =>
      harness.calls.filter((call) => call.channel === 'discover.run').map((call) => call.request),
    );
    expect(requests).toEqual([
      { system: 'demo', options: {}, environment: 'real' },
      { system: 'demo', options: { installDir: '/opt/demo' }, environment: 'real' },
    ]);
  });

  it("puts the engine's request for the folder beside the folder field, not in a banner", async () => {
    await start(`() => new Error('installDir: give the Demo folder (the one holding demo.conf).')`);
    await page().click(testId('discover-demo-real'));
    await page().waitForSelector(testId('discovery-problem-demo'));
    expect(await page().textContent(testId('discovery-problem-demo'))).toBe(
      'Give the Demo folder (the one holding demo.conf).',
    );
    expect(await page().locator(testId('error-notice')).count()).toBe(0);
  });
});
