/** Which OutSystems services to stop and start on this server, in the vendor's order. */
import type { ServiceStatus } from '../../platform/services/types.js';

export const OUTSYSTEMS_SERVICE_PREFIX = 'OutSystems';

/**
 * The vendor's order. It starts the services in this order and stops them in the same order
 * (see ../shared/reference/outsystems.md, "Services").
 */
const DOCUMENTED_ORDER: ReadonlyArray<{ role: OutSystemsServiceRole; pattern: RegExp }> = [
  { role: 'log', pattern: /\blog\b/i },
  { role: 'deployment-controller', pattern: /deployment\s*controller/i },
  { role: 'deployment', pattern: /deployment/i },
  { role: 'scheduler', pattern: /scheduler/i },
  { role: 'sms-connector', pattern: /\bsms\b/i },
];

export type OutSystemsServiceRole =
  'log' | 'deployment-controller' | 'deployment' | 'scheduler' | 'sms-connector';

export interface OutSystemsServicePlan {
  stop: string[];
  start: string[];
  /** Found but left alone, with why (e.g. the disabled Deployment Controller of a front-end). */
  skipped: Array<{ name: string; reason: string }>;
  /** OutSystems* services that are not one of the five documented ones: never touched, shown to the admin. */
  unrecognised: string[];
}

export function outSystemsServiceRole(
  service: Pick<ServiceStatus, 'name' | 'displayName'>,
): OutSystemsServiceRole | undefined {
  const label = `${service.name} ${service.displayName ?? ''}`;
  return DOCUMENTED_ORDER.find((entry) => entry.pattern.test(label))?.role;
}

/** The services found at run time (e.g. `list('OutSystems')`) put in the documented order; missing ones are simply absent. */
export function outSystemsServiceOrder(found: readonly ServiceStatus[]): OutSystemsServicePlan {
  const ordered: string[] = [];
  const skipped: OutSystemsServicePlan['skipped'] = [];
  const unrecognised: string[] = [];
  const byRole = new Map<OutSystemsServiceRole, ServiceStatus[]>();
  for (const service of found) {
    if (service.state === 'missing') continue;
    const role = outSystemsServiceRole(service);
    if (!role) {
      unrecognised.push(service.name);
      continue;
    }
    byRole.set(role, [...(byRole.get(role) ?? []), service]);
  }
  for (const { role } of DOCUMENTED_ORDER) {
    for (const service of byRole.get(role) ?? []) {
      if (service.startType === 'disabled') {
        skipped.push({
          name: service.name,
          reason:
            role === 'deployment-controller'
              ? 'disabled: this server is a front-end, where the Deployment Controller does not run'
              : 'disabled in the Services console',
        });
        continue;
      }
      ordered.push(service.name);
    }
  }
  return { stop: [...ordered], start: [...ordered], skipped, unrecognised };
}

/** A controller runs the Deployment Controller service; on a front-end it is disabled or absent. */
export function serverRole(found: readonly ServiceStatus[]): 'controller' | 'front-end' | 'unknown' {
  const present = found.filter((service) => service.state !== 'missing');
  if (present.length === 0) return 'unknown';
  const controller = present.find((service) => outSystemsServiceRole(service) === 'deployment-controller');
  return controller && controller.startType !== 'disabled' ? 'controller' : 'front-end';
}
