/**
 * Cluster mode (CLICKHOUSE_CLUSTER=<name>): the single-node DDL of the migrations rewritten for a sharded, replicated
 * cluster. Every statement runs ON CLUSTER. A table with an `athlete_id` column becomes a Replicated* `<table>_local`
 * on every shard plus a `Distributed` table under the original name, sharded by `cityHash64(athlete_id)`: all rows of
 * an athlete (every version of every key, since each key contains athlete_id) live on one shard, so per-athlete queries
 * stay shard-local and `FINAL`, which merges versions per shard, sees all versions of a key. Tables without athlete_id
 * (bookkeeping, staging by batch) are one Replicated* table with a full copy on every node.
 */
const CREATE_TABLE = /^\s*CREATE TABLE IF NOT EXISTS (\w+)\.(\w+)\s*\(/i;
const CREATE_DATABASE = /^\s*CREATE DATABASE IF NOT EXISTS (\w+)\s*$/i;
const ALTER_TABLE = /^\s*ALTER TABLE (\w+)\.(\w+)\s/i;
const ENGINE = /^\s*ENGINE\s*=\s*(\w*MergeTree)(?:\s*\(([^)]*)\))?/i;

export class ClusterDdlError extends Error {}

/** The tables that are sharded by athlete: those created with an athlete_id column. */
export function shardedTables(statements: string[]): Set<string> {
  const sharded = new Set<string>();
  for (const statement of statements) {
    const create = CREATE_TABLE.exec(statement);
    if (create && /^\s*athlete_id\s/m.test(columnsOf(statement).body)) sharded.add(create[2]!);
  }
  return sharded;
}

/** One single-node statement as the statements that do the same on `cluster`. */
export function clusterStatements(statement: string, cluster: string, sharded: Set<string>): string[] {
  const database = CREATE_DATABASE.exec(statement);
  if (database) return [`CREATE DATABASE IF NOT EXISTS ${database[1]} ON CLUSTER ${cluster}`];
  const create = CREATE_TABLE.exec(statement);
  if (create) return createTable(statement, create[1]!, create[2]!, cluster, sharded.has(create[2]!));
  const alter = ALTER_TABLE.exec(statement);
  if (alter) {
    const [, db, table] = alter;
    const rest = statement.slice(alter[0].length);
    // The Distributed table mirrors the local one's columns, so a column change goes to both.
    const targets = sharded.has(table!) ? [`${table}_local`, table] : [table];
    return targets.map((t) => `ALTER TABLE ${db}.${t} ON CLUSTER ${cluster} ${rest}`);
  }
  throw new ClusterDdlError(
    `Cluster mode cannot rewrite this migration statement (only CREATE DATABASE/TABLE and ALTER TABLE): ${statement.slice(0, 120)}`,
  );
}

function createTable(statement: string, db: string, table: string, cluster: string, isSharded: boolean): string[] {
  const { body, end } = columnsOf(statement);
  const tail = statement.slice(end + 1);
  const engine = ENGINE.exec(tail);
  if (!engine) throw new ClusterDdlError(`Cluster mode needs a *MergeTree engine in: CREATE TABLE ${db}.${table}`);
  const local = isSharded ? `${table}_local` : table;
  // {shard}/{replica} are the servers' macros; one replication group per shard, or one for all nodes when unsharded.
  const zkPath = isSharded ? `/clickhouse/tables/{shard}/${db}/${local}` : `/clickhouse/tables/all/${db}/${local}`;
  const args = [`'${zkPath}'`, `'{replica}'`, ...(engine[2]?.trim() ? [engine[2].trim()] : [])].join(', ');
  const replicated = `ENGINE = Replicated${engine[1]}(${args})${tail.slice(engine[0].length)}`;
  const localDdl = `CREATE TABLE IF NOT EXISTS ${db}.${local} ON CLUSTER ${cluster} (${body}) ${replicated.trim()}`;
  if (!isSharded) return [localDdl];
  return [
    localDdl,
    `CREATE TABLE IF NOT EXISTS ${db}.${table} ON CLUSTER ${cluster} AS ${db}.${local} ENGINE = Distributed(${cluster}, ${db}, ${local}, cityHash64(athlete_id))`,
  ];
}

/** The column list of a CREATE TABLE: from its opening parenthesis to the matching one (quotes respected). */
function columnsOf(statement: string): { body: string; end: number } {
  const start = statement.indexOf('(');
  let depth = 0;
  let quoted = false;
  for (let i = start; i < statement.length; i++) {
    const c = statement[i];
    if (c === "'" && statement[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) return { body: statement.slice(start + 1, i), end: i };
  }
  throw new ClusterDdlError(`Unbalanced parentheses in: ${statement.slice(0, 120)}`);
}

/** Every statement of `migrations` for `db`, rewritten when `cluster` is set and unchanged otherwise. */
export function statementsFor(statements: string[], cluster: string | undefined, sharded: Set<string>): string[] {
  return cluster ? statements.flatMap((s) => clusterStatements(s, cluster, sharded)) : statements;
}

const DELETE_FROM = /^(\s*DELETE FROM\s+)(\w+)\.(\w+)(\s)/i;
const ALTER_MUTATION = /^(\s*ALTER TABLE\s+)(\w+)\.(\w+)(\s+(?:DROP PARTITION|DELETE|UPDATE)\s)/i;

/**
 * The DML a Distributed table refuses — lightweight DELETE, mutations and DROP PARTITION — sent to the shards' local
 * tables ON CLUSTER instead; every other statement unchanged. Applied to every statement in cluster mode (client.ts).
 */
export function clusterDml(statement: string, cluster: string, sharded: Set<string>): string {
  for (const pattern of [DELETE_FROM, ALTER_MUTATION]) {
    const m = pattern.exec(statement);
    if (m && sharded.has(m[3]!))
      return `${m[1]}${m[2]}.${m[3]}_local ON CLUSTER ${cluster}${m[4]}${statement.slice(m[0].length)}`;
  }
  return statement;
}

/** A client whose statements go through {@link clusterDml}. */
export function withClusterDml<C extends object>(client: C, cluster: string, sharded: Set<string>): C {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (!['query', 'command', 'exec'].includes(String(property)))
        return (value as (...a: unknown[]) => unknown).bind(target);
      return (params: { query: string }) =>
        (value as (p: unknown) => unknown).call(target, {
          ...params,
          query: clusterDml(params.query, cluster, sharded),
        });
    },
  });
}
