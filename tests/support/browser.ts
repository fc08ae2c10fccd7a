import { chromium, type BrowserServer } from 'playwright-core';

export interface BrowserServerHandle {
  wsEndpoint: string;
  close(): Promise<void>;
}

/** Launches the run's one headless Chromium: BREAKGLASS_CHROMIUM (a system Chromium) if set, else @sparticuz/chromium. */
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
    server = await chromium.launchServer({
      executablePath: await packaged.executablePath(),
      headless: true,
      args: [...packaged.args, ...offline],
    });
  }
  return { wsEndpoint: server.wsEndpoint(), close: () => server.close() };
}
