import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import type { Decision, Prompt, RunEvent } from '../../src/shared/procedure.js';
import { Engine } from '../../src/main/engine/engine.js';
import { readJournal, type JournalEntry } from '../../src/main/engine/journal.js';
import { installJournalSeal } from '../../src/main/engine/journal-seal.js';
import { systems } from '../../src/main/systems/index.js';
import { CONFIG_RELATIVE_PATH } from '../../src/main/systems/practice/app-config.js';
import { PRACTICE_SERVICE } from '../../src/main/systems/practice/seed.js';

/** A fresh data dir whose practice sandbox lives on the suite's shared PostgreSQL. */
export function freshDataDir(label: string): string {
  process.env.BREAKGLASS_SANDBOX_PG_URL = inject('pgAdminUrl');
  return fs.mkdtempSync(path.join(os.tmpdir(), `breakglass-${label}-`));
}

export function practiceEngine(dataDir: string): Engine {
  return new Engine(dataDir, systems);
}

/** Practice engines for one test file, all closed after its tests: `fresh(label)` on a new data dir, `on(dataDir)` on a given one. */
export function practiceEngines(prefix: string): {
  fresh(label: string): Engine;
  on(dataDir: string): Engine;
} {
  const engines: Engine[] = [];
  afterAll(async () => {
    await Promise.all(engines.map((engine) => engine.close()));
  });
  const on = (dataDir: string): Engine => {
    const engine = practiceEngine(dataDir);
    engines.push(engine);
    return engine;
  };
  return { fresh: (label) => on(freshDataDir(`${prefix}${label}`)), on };
}

/** Answers prompts from a script (kind → decision), recording each prompt and event. */
export function scriptedHooks(answers: Partial<Record<Prompt['kind'], Decision | Decision[]>> = {}) {
  const prompts: Prompt[] = [];
  const events: RunEvent[] = [];
  const queues = new Map(
    Object.entries(answers).map(([kind, answer]) => [kind, Array.isArray(answer) ? [...answer] : answer]),
  );
  return {
    prompts,
    events,
    onEvent: (event: RunEvent) => events.push(event),
    decide: async (prompt: Prompt): Promise<Decision> => {
      prompts.push(prompt);
      const answer = queues.get(prompt.kind);
      const decision = Array.isArray(answer) ? answer.shift() : answer;
      return decision ?? 'confirm';
    },
  };
}

/** The practice sandbox's observable state: the account row, the config file bytes, the service state. */
export async function practiceState(
  engine: Engine,
): Promise<{ hash: string | undefined; config: string; service: string }> {
  const system = engine.registry.system('practice');
  const url = await engine.sandbox.databaseUrl(system);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = await client.query<{ password_hash: string }>(
      "SELECT password_hash FROM practice_accounts WHERE name = 'drill-admin'",
    );
    const config = fs
      .readFileSync(path.join(engine.sandbox.filesRoot('practice'), CONFIG_RELATIVE_PATH))
      .toString('base64');
    const service = (await engine.sandbox.services('practice').status(PRACTICE_SERVICE)).state;
    return { hash: rows.rows[0]?.password_hash, config, service };
  } finally {
    await client.end();
  }
}

/** Reads and verifies a run's journal (`<dataDir>/runs/<run>/journal.jsonl`) with its installation's key. */
export function readRunJournal(journalPath: string): JournalEntry[] {
  const dataDir = path.dirname(path.dirname(path.dirname(journalPath)));
  return readJournal(journalPath, installJournalSeal(dataDir));
}
