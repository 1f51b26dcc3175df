import type { ClickHouse } from '../clickhouse/client.js';
import type { FeatureSettings } from '../config/env.js';
import { createDeletionActivities } from './deletion.js';
import { createFeatureActivities } from './features.js';
import { createIngestActivities } from './ingest.js';
import { createLookupActivities } from './lookup.js';

/** Every activity of the product, bound to the worker's one ClickHouse handle. */
export function createActivities(ch: ClickHouse, features: FeatureSettings) {
  return {
    ...createIngestActivities(ch),
    ...createFeatureActivities(ch, features),
    ...createLookupActivities(ch),
    ...createDeletionActivities(ch),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { FeatureStep, FeatureStepInput } from './features.js';
