/**
 * The `breakglass` CLI (from the sources) with a crash-test hook: with
 * BREAKGLASS_TEST_PAUSE=<stepId>:<before|during|after> the run writes the marker file named by
 * BREAKGLASS_TEST_PAUSE_MARKER the first time it reaches that point and waits there for ever, so a
 * test can kill -9 it exactly there. The shipped CLI has no such hook.
 */
import fs from 'node:fs';
import { setCheckpointHook } from '../../src/main/engine/checkpoints.js';

const point = process.env.BREAKGLASS_TEST_PAUSE;
const marker = process.env.BREAKGLASS_TEST_PAUSE_MARKER;
if (point) {
  if (!marker) throw new Error('BREAKGLASS_TEST_PAUSE is set without BREAKGLASS_TEST_PAUSE_MARKER');
  let reached = false;
  setCheckpointHook(async (stepId, phase) => {
    if (reached || `${stepId}:${phase}` !== point) return;
    reached = true;
    fs.writeFileSync(marker, `${process.pid}\n`);
    await new Promise<never>(() => setInterval(() => undefined, 60_000));
  });
}
await import('../../src/main/cli/main.js');
