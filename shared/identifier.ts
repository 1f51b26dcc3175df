/** The one rule for a ClickHouse identifier (database, table, cluster name): config checks it, SQL builders rely on it. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function isValidIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}
