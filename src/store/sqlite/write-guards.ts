// What the SQLite stores' conditional writes share: a transaction rolls back by throwing, and a
// unique index refusing a row is often an answer (a key already taken), not a failure.

/** Thrown inside a transaction to roll it back when a conditional write finds the data moved on. */
export class Conflict extends Error {}

export function isUniqueViolation(error: unknown, columnPrefix: string): boolean {
  const sqliteError = error as { code?: unknown; message?: unknown };
  return (
    (sqliteError.code === 'SQLITE_CONSTRAINT_UNIQUE' || sqliteError.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') &&
    typeof sqliteError.message === 'string' &&
    sqliteError.message.includes(columnPrefix)
  );
}
