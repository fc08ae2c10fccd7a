import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startSuitePostgres, type EmbeddedPostgresHandle } from './embedded-postgres.js';
import { launchBrowserServer, type BrowserServerHandle } from './browser.js';
import { ensureFreshBuild } from './fresh-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin connection URL of the run's one embedded PostgreSQL. */
    pgAdminUrl: string;
    /** Playwright WebSocket endpoint of the run's one headless Chromium. */
    browserWsEndpoint: string;
  }
}

let pg: EmbeddedPostgresHandle | undefined;
let browser: BrowserServerHandle | undefined;
let scratch: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  ensureFreshBuild();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-test-'));
  fs.mkdirSync(path.resolve('test-results'), { recursive: true });
  const [pgStart, browserStart] = await Promise.allSettled([
    startSuitePostgres(scratch),
    launchBrowserServer(),
  ]);
  if (pgStart.status === 'fulfilled') pg = pgStart.value;
  if (browserStart.status === 'fulfilled') browser = browserStart.value;
  // A failed setup stops what it started: vitest runs no teardown after a setup that threw.
  if (pgStart.status === 'rejected' || browserStart.status === 'rejected') {
    await teardown();
    throw pgStart.status === 'rejected' ? pgStart.reason : (browserStart as PromiseRejectedResult).reason;
  }
  project.provide('pgAdminUrl', pgStart.value.adminUrl);
  project.provide('browserWsEndpoint', browserStart.value.wsEndpoint);
}

export async function teardown(): Promise<void> {
  await Promise.allSettled([browser?.close(), pg?.stop()]);
  browser = undefined;
  pg = undefined;
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
}
