import { chromium, type BrowserServer } from 'playwright-core';
import { packagedChromium } from './packaged-chromium.js';

/**
 * Flags @sparticuz/chromium adds for AWS Lambda that are wrong for a browser shared by test files:
 * --single-process takes the whole browser down when any one client closes a context or disconnects,
 * and the other two switch off the same-origin and mixed-content protections the web host's tests rely on.
 */
const LAMBDA_ONLY_ARGS = new Set([
  '--single-process',
  '--disable-web-security',
  '--allow-running-insecure-content',
]);

export interface BrowserServerHandle {
  wsEndpoint: string;
  close(): Promise<void>;
}

/** Launches the run's one headless Chromium: BREAKGLASS_CHROMIUM (a system Chromium) if set, else @sparticuz/chromium's (packaged-chromium.ts). */
export async function launchBrowserServer(): Promise<BrowserServerHandle> {
  const offline = [
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ];
  let server: BrowserServer;
  const systemChromium = process.env.BREAKGLASS_CHROMIUM;
  if (systemChromium) {
    server = await chromium.launchServer({
      executablePath: systemChromium,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', ...offline],
    });
  } else {
    const packaged = (await import('@sparticuz/chromium')).default;
    const unpacked = await packagedChromium();
    server = await chromium.launchServer({
      executablePath: unpacked.executablePath,
      env: { ...process.env, ...unpacked.env },
      headless: true,
      args: [...packaged.args.filter((arg) => !LAMBDA_ONLY_ARGS.has(arg)), ...offline],
    });
  }
  return { wsEndpoint: server.wsEndpoint(), close: () => server.close() };
}
