import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The built renderer (out/renderer). Bundled code runs from out/main/, sources (tests, tsx) from
 * src/main/host/; the first candidate holding an index.html wins.
 */
export function builtRendererDir(): string {
  const candidates = ['../renderer/', '../../../out/renderer/'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  const found = candidates.find((dir) => fs.existsSync(`${dir}index.html`));
  if (!found)
    throw new Error('The wizard is not built yet (no out/renderer/index.html). Run `npm run build` first.');
  return found;
}
