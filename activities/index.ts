import type { ClickHouse } from '../clickhouse/client.js';
import type { FeatureSettings } from '../config/env.js';
import { createDeletionActivities } from './deletion.js';
import { createFeatureActivities } from './features.js';
import { createIngestActivities } from './ingest.js';
import { createLookupActivities } from './lookup.js';
import { createMlActivities } from './ml.js';

/**
 * Every activity of the product, bound to the worker's one ClickHouse handle. Each worker hosts all of them, so a
 * workflow started on the wrong queue still finds its activities; the task queues separate the workflows.
 */
export function createActivities(ch: ClickHouse, features: FeatureSettings) {
  return {
    ...createIngestActivities(ch),
    ...createFeatureActivities(ch, features),
    ...createLookupActivities(ch),
    ...createDeletionActivities(ch),
    ...createMlActivities(ch, features),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/** The ML activities (training, registry, inference). */
export type MlActivities = ReturnType<typeof createMlActivities>;
export type { CandidateSummary } from './ml.js';
export type { FeatureStep, FeatureStepInput } from './features.js';
