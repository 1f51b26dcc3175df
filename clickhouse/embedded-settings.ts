import type { createClient } from '@clickhouse/client';

/** The connection type the embedded engine (chdb) plugs into `createClient({ connection })`. */
export type EmbeddedConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

type Call = 'query' | 'exec' | 'command' | 'insert';
interface SettingValue {
  name: string;
  value: string;
  changed: number;
}

/**
 * Keeps a query's `clickhouse_settings` to that query on the embedded engine.
 *
 * chdb runs every query of the process in one session and applies `clickhouse_settings` as session `SET`s, so
 * without this a setting given to one statement (the activity step's spill threshold, `mutations_sync`) stayed
 * set for everything the process ran afterwards. A call that carries settings runs alone: the session's
 * values of those settings are read first and put back afterwards, failed or not, and no other call runs
 * in between (calls without settings still run side by side). chdb runs one query of a session at a time anyway
 * (measured: three concurrent `sleepEachRow` queries took three times as long as one), so this costs no
 * concurrency. A `SETTINGS` clause inside a statement is scoped to it by the engine itself and needs none of this.
 */
export function isolateQuerySettings(connection: EmbeddedConnection): EmbeddedConnection {
  const lock = new SharedExclusiveLock();
  const wrap =
    <P extends { clickhouse_settings?: Record<string, unknown> }, R>(run: (params: P) => Promise<R>) =>
    (params: P): Promise<R> => {
      const names = Object.keys(params.clickhouse_settings ?? {}).filter(
        (name) => params.clickhouse_settings?.[name] !== undefined,
      );
      if (names.length === 0) return lock.shared(() => run(params));
      return lock.exclusive(async () => {
        const saved = await currentValues(connection, names);
        try {
          return await run(params);
        } finally {
          await restore(connection, saved);
        }
      });
    };
  const wrapped: Record<Call, unknown> = {
    query: wrap(connection.query.bind(connection)),
    exec: wrap(connection.exec.bind(connection)),
    command: wrap(connection.command.bind(connection)),
    insert: wrap(connection.insert.bind(connection)),
  };
  // chdb's connection keeps its state in private fields: everything else is read from, and bound to, itself.
  return new Proxy(connection, {
    get: (target, property) => {
      if (typeof property === 'string' && property in wrapped) return wrapped[property as Call];
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Only names the engine knows come back: HTTP-only settings chdb drops are never set, so never restored. */
async function currentValues(connection: EmbeddedConnection, names: string[]): Promise<SettingValue[]> {
  const result = await connection.query({
    query: 'SELECT name, value, changed FROM system.settings WHERE name IN {names:Array(String)} FORMAT JSONEachRow',
    query_params: { names },
  });
  let text = '';
  for await (const chunk of result.stream) text += String(chunk);
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SettingValue);
}

/** An unchanged setting goes back to DEFAULT (not to a copy of today's default), a changed one to its value. */
async function restore(connection: EmbeddedConnection, saved: SettingValue[]): Promise<void> {
  if (saved.length === 0) return;
  const assignments = saved.map(({ name, value, changed }) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Unexpected setting name ${JSON.stringify(name)}`);
    return `${name} = ${changed ? `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'` : 'DEFAULT'}`;
  });
  await connection.command({ query: `SET ${assignments.join(', ')}` });
}

/** Many shared holders at once, or one exclusive holder; waiters start in arrival order. */
class SharedExclusiveLock {
  private sharedHolders = 0;
  private exclusiveHeld = false;
  private readonly waiting: { exclusive: boolean; start: () => void }[] = [];

  shared<T>(run: () => Promise<T>): Promise<T> {
    return this.hold(false, run);
  }

  exclusive<T>(run: () => Promise<T>): Promise<T> {
    return this.hold(true, run);
  }

  private async hold<T>(exclusive: boolean, run: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      this.waiting.push({ exclusive, start });
      this.startWaiting();
    });
    try {
      return await run();
    } finally {
      if (exclusive) this.exclusiveHeld = false;
      else this.sharedHolders -= 1;
      this.startWaiting();
    }
  }

  private startWaiting(): void {
    for (let next = this.waiting[0]; next; next = this.waiting[0]) {
      const free = !this.exclusiveHeld && (!next.exclusive || this.sharedHolders === 0);
      if (!free) return;
      this.waiting.shift();
      if (next.exclusive) this.exclusiveHeld = true;
      else this.sharedHolders += 1;
      next.start();
    }
  }
}
