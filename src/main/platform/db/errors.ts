/** Errors the database layer raises on purpose; none carries a secret. */

/** A guarded statement touched another number of rows than expected; the transaction was rolled back. */
export class RowCountMismatch extends Error {
  constructor(
    /** The statement's position in the guarded batch (0-based). */
    readonly statementIndex: number,
    readonly expected: number,
    readonly actual: number,
    /** The statement as shown to the admin, secrets masked. */
    readonly display: string,
  ) {
    super(
      `Statement ${statementIndex + 1} would have changed ${actual} row(s) where exactly ${expected} was expected; ` +
        `everything in this step was rolled back and nothing changed. Statement: ${display}`,
    );
    this.name = 'RowCountMismatch';
  }
}

/** A name, password or setting that cannot be used safely; the message names the field and the fix. */
export class DbInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'DbInputError';
  }
}
