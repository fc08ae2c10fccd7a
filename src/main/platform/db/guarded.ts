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

export async function runGuarded(steps: TransactionSteps, statements: readonly GuardedStatement[]): Promise<number[]> {
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
  await steps.commit();
  return counts;
}
