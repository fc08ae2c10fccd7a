import type { SystemModule } from '../../engine/types.js';
import { practiceAdmin } from './admin-program.js';
import { practiceDrill } from './drill.js';
import { seedPracticeSandbox } from './seed.js';

/** The practice system: a rehearsal for new admins and the engine's own end-to-end test subject. Sandbox only. */
export const practiceSystem: SystemModule = {
  id: 'practice',
  title: 'Practice sandbox',
  procedures: [practiceDrill],
  seedSandbox: seedPracticeSandbox,
  sandboxPrograms: { 'practice-admin': practiceAdmin },
  async detectRealInstall() {
    return false;
  },
};
