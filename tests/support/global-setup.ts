import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres.js';
import { launchBrowserServer, type BrowserServerHandle } from './browser.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin connection URL of the run's one embedded PostgreSQL. */
    pgAdminUrl: string;
    /** Playwright WebSocket endpoint of the run's one headless Chromium. */
    browserWsEndpoint: string;
    /** Scratch directory for this run (world-writable, removed afterwards). */
    runScratchDir: string;
  }
}

let pg: EmbeddedPostgresHandle | undefined;
let browser: BrowserServerHandle | undefined;
let scratch: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-test-'));
  fs.chmodSync(scratch, 0o777);
  fs.mkdirSync(path.resolve('test-results'), { recursive: true });
  [pg, browser] = await Promise.all([startEmbeddedPostgres(scratch), launchBrowserServer()]);
  project.provide('pgAdminUrl', pg.adminUrl);
  project.provide('browserWsEndpoint', browser.wsEndpoint);
  project.provide('runScratchDir', scratch);
}

export async function teardown(): Promise<void> {
  await Promise.allSettled([browser?.close(), pg?.stop()]);
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
}
