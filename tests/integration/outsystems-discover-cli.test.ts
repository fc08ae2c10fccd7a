import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../support/cli-process.js';
import { freshDataDir } from '../support/engine-harness.js';

describe('breakglass discover through the engine', () => {
  it('reports the practice sandbox install: files, provider, the five users, decryptable passwords, none printed', async () => {
    const dataDir = freshDataDir('os-discover');
    const env = { BREAKGLASS_SANDBOX_PG_URL: process.env.BREAKGLASS_SANDBOX_PG_URL };
    const result = await runCliProcess(
      ['--data-dir', dataDir, 'discover', 'outsystems', '--sandbox', '--json'],
      env,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      system: string;
      sections: Array<{ title: string; facts: Array<{ label: string; value: string; status: string }> }>;
    };
    expect(report.system).toBe('outsystems');
    const facts = report.sections.flatMap((section) => section.facts);
    expect(facts.filter((fact) => fact.status === 'error')).toEqual([]);
    const text = JSON.stringify(facts);
    for (const user of ['OSADMIN', 'OSRUNTIME', 'OSADMIN_LOG', 'OSRUNTIME_LOG', 'OSSTATE'])
      expect(text).toContain(user);
    expect(text).toContain('SqlServer');
  });

  it('names the known systems when asked for an unknown one, exit code 2', async () => {
    const result = await runCliProcess(
      ['--data-dir', freshDataDir('os-discover-unknown'), 'discover', 'nosuch'],
      {},
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /No system "nosuch"\. Known: outsystems, synapse, sysreptor, authgear, practice/,
    );
  });
});
