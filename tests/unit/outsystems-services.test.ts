import { describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../src/main/platform/services/types.js';
import { outSystemsServiceOrder, serverRole } from '../../src/main/systems/outsystems/services.js';

const service = (
  name: string,
  startType: ServiceStatus['startType'] = 'auto',
  state: ServiceStatus['state'] = 'running',
): ServiceStatus => ({
  name,
  displayName: name,
  state,
  startType,
});

describe('outSystemsServiceOrder', () => {
  it('puts the services found in the documented order, whatever order they were listed in', () => {
    const found = [
      service('OutSystems SMS Connector Service', 'manual'),
      service('OutSystems Scheduler Service'),
      service('OutSystems Deployment Service'),
      service('OutSystems Log Service'),
      service('OutSystems Deployment Controller Service'),
    ];
    const order = [
      'OutSystems Log Service',
      'OutSystems Deployment Controller Service',
      'OutSystems Deployment Service',
      'OutSystems Scheduler Service',
      'OutSystems SMS Connector Service',
    ];
    expect(outSystemsServiceOrder(found)).toEqual({
      stop: order,
      start: order,
      skipped: [],
      unrecognised: [],
    });
    expect(serverRole(found)).toBe('controller');
  });

  it('skips missing services and the disabled Deployment Controller of a front-end; leaves unknown ones alone', () => {
    const found = [
      service('OutSystems Deployment Controller Service', 'disabled', 'stopped'),
      service('OutSystems Deployment Service'),
      service('OutSystems Scheduler Service'),
      service('OutSystems Log Service', 'auto', 'missing'),
      service('OutSystemsUpdateHelper'),
    ];
    const plan = outSystemsServiceOrder(found);
    expect(plan.stop).toEqual(['OutSystems Deployment Service', 'OutSystems Scheduler Service']);
    expect(plan.skipped).toEqual([
      { name: 'OutSystems Deployment Controller Service', reason: expect.stringMatching(/front-end/) },
    ]);
    expect(plan.unrecognised).toEqual(['OutSystemsUpdateHelper']);
    expect(serverRole(found)).toBe('front-end');
    expect(serverRole([])).toBe('unknown');
  });
});
