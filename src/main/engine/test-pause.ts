import fs from 'node:fs';

/**
 * Fault-injection hook for tests: with BREAKGLASS_TEST_PAUSE=<stepId>:<before|during|after> the
 * run writes the marker file named by BREAKGLASS_TEST_PAUSE_MARKER and waits forever there, so a
 * test can kill -9 the process at that exact point. Unset (always, outside tests) it does nothing.
 */
export type PausePhase = 'before' | 'during' | 'after';

const reached = new Set<string>();

export async function pauseForTest(stepId: string, phase: PausePhase): Promise<void> {
  const point = `${stepId}:${phase}`;
  if (reached.has(point)) return;
  reached.add(point);
  if (process.env.BREAKGLASS_TEST_PAUSE !== point) return;
  const marker = process.env.BREAKGLASS_TEST_PAUSE_MARKER;
  if (!marker) throw new Error('BREAKGLASS_TEST_PAUSE is set without BREAKGLASS_TEST_PAUSE_MARKER');
  fs.writeFileSync(marker, `${process.pid}\n`);
  await new Promise<never>(() => setInterval(() => undefined, 60_000));
}
