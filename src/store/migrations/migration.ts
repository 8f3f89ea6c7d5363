// A schema change. Migrations are TypeScript modules holding SQL strings (not .sql files) so that
// they travel inside the bundled server.
export interface Migration {
  /** 1, 2, 3, … with no gaps: the order in which they are applied. */
  version: number;
  name: string;
  sql: string;
}
