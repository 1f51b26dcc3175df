import type { ClickHouse } from '../clickhouse/client.js';
import type { FeatureSettings } from '../config/env.js';
import { createFeatureActivities } from './features.js';
import { createIngestActivities } from './ingest.js';
import { createMlActivities } from './ml.js';

/** Every activity of the product, bound to the worker's one ClickHouse handle. */
export function createActivities(ch: ClickHouse, features: FeatureSettings) {
  return { ...createIngestActivities(ch), ...createFeatureActivities(ch, features) };
}

export type Activities = ReturnType<typeof createActivities>;

/** The ML activities: a worker of their own task queue (`ml`) serves them. */
export { createMlActivities };
export type MlActivities = ReturnType<typeof createMlActivities>;
export type { CandidateSummary } from './ml.js';
export type { FeatureStep, FeatureStepInput } from './features.js';
