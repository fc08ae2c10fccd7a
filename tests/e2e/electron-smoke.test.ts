import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { electronBinary, electronUnavailableReason } from '../../scripts/electron-binary.js';
import { ensureBuilt } from '../unit/shell-build.js';

const root = process.cwd();
const unavailable = electronUnavailableReason(root);
if (unavailable)
  console.log(
    `electron smoke test skipped: ${unavailable === 'no Electron binary installed' ? 'no Electron binary' : unavailable}`,
  );

describe('Electron app (smoke)', () => {
  it.skipIf(unavailable)(
    unavailable
      ? `skipped: ${unavailable === 'no Electron binary installed' ? 'no Electron binary' : unavailable}`
      : 'opens the hardened window on the first screen over the preload bridge',
    async () => {
      ensureBuilt();
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bg-electron-'));
      const app = await _electron.launch({
        executablePath: electronBinary(root),
        args: [root],
        env: { ...process.env, BREAKGLASS_DATA_DIR: dataDir },
      });
      try {
        const window = await app.firstWindow();
        await window.waitForSelector('[data-testid="screen-choose"]');
        expect(window.url()).toBe('breakglass://app/index.html');
        expect(await window.textContent('h1')).toBe('What do you need to recover?');
        expect(await window.textContent('[data-testid="transport-badge"]')).toBe('Desktop');
        expect(
          await window.evaluate(() =>
            Object.keys((window as unknown as { breakglass: object }).breakglass).sort(),
          ),
        ).toEqual(['invoke', 'on']);
        expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
          'undefined',
        );
        expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe(
          'undefined',
        );
        await window.screenshot({ path: 'test-results/electron-first-screen.png' });
      } finally {
        await app.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});
