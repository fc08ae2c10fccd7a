/**
 * Renderer components in the run's real Chromium: an entry file (tests/component/*.entry.tsx,
 * which puts what its test drives on `window.harness`) is bundled with esbuild and served from a
 * loopback HTTP server, so the page has a real origin (history, sessionStorage) like the app.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { openWatchedPage, type WatchedPage } from './watched-page.js';

export interface ComponentPage extends WatchedPage {
  url: string;
  close(): Promise<void>;
}

export async function openComponentPage(entry: string): Promise<ComponentPage> {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const server = http.createServer((request, response) => {
    if (request.url?.startsWith('/harness.js')) {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        '<!doctype html><html lang="en"><head><title>Component</title></head><body><div id="root"></div><script src="/harness.js"></script></body></html>',
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const watched = await openWatchedPage();
  await watched.page.goto(url);
  await watched.page.waitForFunction(() => 'harness' in window);
  return {
    ...watched,
    url,
    async close() {
      await watched.browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
