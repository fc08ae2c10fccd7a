import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';

export interface WatchedPage {
  browser: Browser;
  page: Page;
  /** Console errors and warnings, and uncaught page errors: a clean run leaves this empty. */
  problems: string[];
  /** Every URL the page requested. */
  requests: string[];
}

/** A fresh page in the run's shared Chromium that records problems and requests; screenshots go to test-results/. */
export async function openWatchedPage(): Promise<WatchedPage> {
  const browser = await chromium.connect(inject('browserWsEndpoint'));
  const context = await browser.newContext({
    viewport: { width: 1280, height: 1000 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  fs.mkdirSync('test-results', { recursive: true });
  return { browser, page, problems, requests };
}

export const testId = (id: string) => `[data-testid="${id}"]`;
