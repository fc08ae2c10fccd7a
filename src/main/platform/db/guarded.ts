/** The guarded-statement loop every driver shares: one transaction, each row count checked, rollback on any surprise. */
import { RowCountMismatch } from './errors.js';
import type { GuardedStatement, RenderedSql } from './types.js';

export interface TransactionSteps {
  begin(): Promise<void>;
  /** Runs one statement and returns the rows it affected. */
  execute(sql: RenderedSql): Promise<number>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * COMMIT itself failed (a deferred constraint, a lost connection, a server shutdown): the server
 * may or may not have applied the changes. The message says so and lists the statements (secrets
 * masked); it carries no driver text (a constraint's detail can quote a value), only the driver's
 * error code when it has one.
 */
export class CommitOutcomeUnknown extends Error {
  constructor(
    displays: readonly string[],
    readonly driverCode?: string,
  ) {
    super(
      `The database did not confirm the commit of ${displays.length} guarded statement(s)${driverCode ? ` (error code ${driverCode})` : ''}; ` +
        `whether they were applied is unknown. Check the affected rows before retrying or rolling back. Statements: ${displays.join(' ; ')}`,
    );
    this.name = 'CommitOutcomeUnknown';
  }
}

export async function runGuarded(
  steps: TransactionSteps,
  statements: readonly GuardedStatement[],
): Promise<number[]> {
  await steps.begin();
  const counts: number[] = [];
  try {
    for (const [index, statement] of statements.entries()) {
      const expected = statement.expectRows ?? 1;
      const actual = await steps.execute(statement.sql);
      if (actual !== expected) throw new RowCountMismatch(index, expected, actual, statement.sql.display);
      counts.push(actual);
    }
  } catch (error) {
    await steps.rollback();
    throw error;
  }
  try {
    await steps.commit();
  } catch (error) {
    // Most servers have already rolled back a failed commit; if not, this ends the transaction.
    await steps.rollback().catch(() => undefined);
    const code = (error as { code?: unknown } | null)?.code;
    throw new CommitOutcomeUnknown(
      statements.map((statement) => statement.sql.display),
      typeof code === 'string' || typeof code === 'number' ? String(code) : undefined,
    );
  }
  return counts;
}
