import type { ProcedureSummary, SystemSummary } from '../../shared/procedure.js';
import { inputJsonSchema } from './input-secrets.js';
import type { ProcedureDefinition, SystemModule } from './types.js';

/** Not found: an unknown procedure, system or run id. */
export class NotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFound';
  }
}

/** Every procedure of every system, by id. */
export class ProcedureRegistry {
  private readonly procedures = new Map<string, { procedure: ProcedureDefinition; system: SystemModule }>();

  constructor(readonly systems: readonly SystemModule[]) {
    for (const system of systems) {
      for (const procedure of system.procedures) {
        if (this.procedures.has(procedure.id)) throw new Error(`Two procedures share the id ${procedure.id}`);
        this.procedures.set(procedure.id, { procedure, system });
      }
    }
  }

  get(procedureId: string): { procedure: ProcedureDefinition; system: SystemModule } {
    const found = this.procedures.get(procedureId);
    if (!found)
      throw new NotFound(`No procedure "${procedureId}". List them with \`breakglass procedures\`.`);
    return found;
  }

  system(systemId: string): SystemModule {
    const system = this.systems.find((candidate) => candidate.id === systemId);
    if (!system)
      throw new NotFound(`No system "${systemId}". Known: ${this.systems.map((s) => s.id).join(', ')}.`);
    return system;
  }

  systemSummaries(): SystemSummary[] {
    return this.systems.map((system) => ({
      id: system.id,
      title: system.title,
      hasDiscovery: system.discover !== undefined,
      ...(system.discoveryFolder ? { discoveryFolder: system.discoveryFolder } : {}),
    }));
  }

  summaries(): ProcedureSummary[] {
    return [...this.procedures.values()].map(({ procedure }) => ({
      id: procedure.id,
      system: procedure.system,
      title: procedure.title,
      summary: procedure.summary,
      inputSchema: inputJsonSchema(procedure.inputs),
    }));
  }
}
