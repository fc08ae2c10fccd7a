import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';

/**
 * The test browser from @sparticuz/chromium, unpacked once into `<cacheRoot>/breakglass-chromium-<version>/`
 * (the OS temp folder by default). The package's own unpacking writes `$TMPDIR/chromium` in place, so an
 * interrupted first run leaves a broken binary that every later run trusts. Here each unpacking goes to a
 * private folder that is renamed into place only when complete, with a manifest of what it holds; a cache
 * without a matching manifest is removed and unpacked again.
 */
export interface PackagedChromium {
  executablePath: string;
  /** What the browser process needs to find its fonts and its software GL libraries. */
  env: Record<string, string>;
}

interface Manifest {
  version: string;
  chromiumBytes: number;
}

export async function packagedChromium(cacheRoot = os.tmpdir()): Promise<PackagedChromium> {
  const packageDir = path.resolve(
    path.dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')),
    '../..',
  );
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const cacheDir = path.join(cacheRoot, `breakglass-chromium-${version}`);
  if (!isComplete(cacheDir, version)) {
    fs.rmSync(cacheDir, { recursive: true, force: true });
    const partial = path.join(
      cacheRoot,
      `.breakglass-chromium-${version}.${randomBytes(6).toString('hex')}.partial`,
    );
    try {
      await unpack(path.join(packageDir, 'bin'), partial, cacheDir, version);
      moveIntoPlace(partial, cacheDir);
    } finally {
      fs.rmSync(partial, { recursive: true, force: true });
    }
    if (!isComplete(cacheDir, version)) throw new Error(`Could not unpack the test browser into ${cacheDir}`);
  }
  return {
    executablePath: path.join(cacheDir, 'chromium'),
    env: { FONTCONFIG_PATH: cacheDir, LD_LIBRARY_PATH: cacheDir },
  };
}

function isComplete(cacheDir: string, version: string): boolean {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(cacheDir, 'manifest.json'), 'utf8')) as Manifest;
    const binary = fs.statSync(path.join(cacheDir, 'chromium'));
    return (
      manifest.version === version &&
      binary.isFile() &&
      binary.size === manifest.chromiumBytes &&
      binary.size > 0 &&
      (binary.mode & 0o100) !== 0
    );
  } catch {
    return false;
  }
}

async function unpack(binDir: string, target: string, finalDir: string, version: string): Promise<void> {
  fs.mkdirSync(target, { mode: 0o700 });
  const binary = path.join(target, 'chromium');
  await pipeline(
    fs.createReadStream(path.join(binDir, 'chromium.br')),
    createBrotliDecompress(),
    fs.createWriteStream(binary, { mode: 0o700 }),
  );
  await untar(path.join(binDir, 'fonts.tar.br'), target);
  await untar(path.join(binDir, 'swiftshader.tar.br'), target);
  // The packaged fonts.conf names /tmp/fonts; point it at this folder's fonts instead.
  fs.writeFileSync(
    path.join(target, 'fonts.conf'),
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(finalDir, 'fonts')}</dir>\n  <cachedir>${path.join(finalDir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
  );
  const manifest: Manifest = { version, chromiumBytes: fs.statSync(binary).size };
  fs.writeFileSync(path.join(target, 'manifest.json'), JSON.stringify(manifest));
}

/**
 * A Brotli-compressed tarball: decompressed to a file first, then the system's tar reads the file
 * (tar stops reading at the end-of-archive blocks, so piping into it can end in "Premature close").
 */
async function untar(archive: string, target: string): Promise<void> {
  const tarFile = path.join(target, `${path.basename(archive, '.br')}.tmp`);
  await pipeline(fs.createReadStream(archive), createBrotliDecompress(), fs.createWriteStream(tarFile));
  try {
    await new Promise<void>((resolve, reject) => {
      execFile('tar', ['-x', '-f', tarFile, '-C', target], (error, _stdout, stderr) =>
        error
          ? reject(new Error(`tar -x ${path.basename(archive)} failed: ${stderr.trim() || error.message}`))
          : resolve(),
      );
    });
  } finally {
    fs.rmSync(tarFile, { force: true });
  }
}

/** Renames the complete folder into place; when another process got there first with a complete one, keeps that. */
function moveIntoPlace(partial: string, cacheDir: string): void {
  try {
    fs.renameSync(partial, cacheDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  }
}
