import os from 'node:os';
import path from 'node:path';

/** Where runs, locks and the sandbox live: BREAKGLASS_DATA_DIR, else the platform's per-user data folder. */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.BREAKGLASS_DATA_DIR) return path.resolve(env.BREAKGLASS_DATA_DIR);
  const home = os.homedir();
  if (platform === 'win32')
    return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'Breakglass');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Breakglass');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'breakglass');
}
