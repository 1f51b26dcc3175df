import type { ClickHouse } from '../clickhouse/client.js';
import { createIngestActivities } from './ingest.js';

/** Every activity of the product, bound to the worker's one ClickHouse handle. */
export function createActivities(ch: ClickHouse) {
  return { ...createIngestActivities(ch) };
}

export type Activities = ReturnType<typeof createActivities>;
