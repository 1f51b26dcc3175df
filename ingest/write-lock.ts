import type { ClickHouse } from '../clickhouse/client.js';

const tails = new Map<string, Promise<void>>();

/**
 * Runs the read-compare-write steps of ingestion (summary upserts, stream promotion) one at a time per
 * database in this process. Why a lock: ClickHouse has no transactions, so two workflows ingesting the
 * same records at once would both find them "not stored" and both insert them (and a stream's
 * delete-then-insert would interleave into a doubled stream). With the embedded engine every statement
 * on a data path runs in the one process that holds it (a worker, or a command that became the worker),
 * so an in-process lock serializes every writer of the data. Statements of unrelated work still run
 * concurrently, and the heavy parts of ingestion (reading, validating, staging) stay outside the lock.
 */
export function exclusively<T>(ch: ClickHouse, work: () => Promise<T>): Promise<T> {
  const key = ch.db;
  const before = tails.get(key) ?? Promise.resolve();
  const result = before.then(work);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return result;
}
