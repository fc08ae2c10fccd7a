import type { SystemModule } from '../engine/types.js';
import { authgearSystem } from './authgear/index.js';
import { outsystemsSystem } from './outsystems/index.js';
import { practiceSystem } from './practice/index.js';
import { synapseSystem } from './synapse/index.js';
import { sysreptorSystem } from './sysreptor/index.js';

/** The one registry of systems: each product adds its module here. */
export const systems: SystemModule[] = [
  outsystemsSystem,
  synapseSystem,
  sysreptorSystem,
  authgearSystem,
  practiceSystem,
];
