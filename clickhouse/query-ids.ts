import type { ClickHouseClient } from '@clickhouse/client';
import type { ClickHouse } from './client.js';

type Statement = { query_id?: string };
const METHODS = ['query', 'command', 'insert', 'exec'] as const;

/**
 * The same handle, but every statement gets a `query_id` of `<prefix>-<n>` (n counts the statements), so a step's
 * statements can be found in `system.query_log` and killed by prefix. Statements that name their own id keep it.
 */
export function withQueryIds(ch: ClickHouse, prefix: string): ClickHouse {
  let n = 0;
  const client = new Proxy(ch.client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (!(METHODS as readonly (string | symbol)[]).includes(property))
        return (value as (...a: unknown[]) => unknown).bind(target);
      return (params: Statement) =>
        (value as (p: Statement) => unknown).call(target, { query_id: `${prefix}-${++n}`, ...params });
    },
  }) as ClickHouseClient;
  return { ...ch, client };
}

/** `<run>-<step>-b<bucket>`: what every attempt of one step for one bucket shares. */
export function stepQueryPrefix(runId: string, step: string, bucket: number): string {
  return `${runId}-${step}-b${bucket}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * Kills statements of earlier attempts of the same step still running on a server: a worker that was killed (or lost
 * its heartbeat) may leave its INSERT running there, and it would race the retry. The embedded engine dies with its
 * process, so there is nothing to kill.
 */
export async function killPredecessors(ch: ClickHouse, stepPrefix: string, attemptPrefix: string): Promise<void> {
  await ch.client.command({
    query: 'KILL QUERY WHERE startsWith(query_id, {step:String}) AND NOT startsWith(query_id, {attempt:String}) ASYNC',
    query_params: { step: `${stepPrefix}-`, attempt: `${attemptPrefix}-` },
  });
}
