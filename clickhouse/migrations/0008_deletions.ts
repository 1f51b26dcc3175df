import type { Database } from '../sql.js';
import type { Migration } from '../migrate.js';

/**
 * Deleted activities. A deletion removes the activity's raw rows (summary versions, samples, stream
 * uploads) and leaves one row here: the feature planner reads the rows newer than its watermark, like any
 * other change, to recompute the athlete from the day the features had the activity on. The row also
 * decides while the raw rows are still being removed: an activity whose newest deletion is newer than its
 * newest ingested version is deleted, so a later re-upload brings it back. Keyed like `activities`.
 */
export const deletions: Migration = {
  name: '0008_deletions',
  statements: (db: Database) => [
    `CREATE TABLE IF NOT EXISTS ${db}.activity_deletions (
      athlete_id String,
      activity_id String,
      source LowCardinality(String) COMMENT 'file or workflow the deletion came from',
      deleted_at DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'stamped by ClickHouse; the newest deletion per key wins'
    ) ENGINE = ReplacingMergeTree(deleted_at) ORDER BY (athlete_id, activity_id)`,
  ],
};
