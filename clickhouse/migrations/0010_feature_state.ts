import type { Database } from '../sql.js';
import type { Migration } from '../migrate.js';

/**
 * Where each athlete's daily, rolling and weekly rows stand, so a daily run reads the new days instead of each
 * athlete's whole history to find where to start (features/athlete/state.sql.ts). One row per athlete and step,
 * written by the step after its INSERT: the step's table then holds the athlete's whole date spine from
 * `first_date` to `last_date`, without holes. Rows are never trusted beyond what the planner says is unchanged
 * (see the README, feature pipeline); an athlete without a row is recomputed from the first activity.
 * `athlete_feature_starts`: where each step of a run starts per athlete, computed once from the state by a small
 * statement, so the step's INSERT reads a few rows instead of planning and running the state logic in every place
 * it needs a start (planning those subqueries was most of a one-day run's time).
 */
export const featureState: Migration = {
  name: '0010_feature_state',
  statements: (db: Database) => [
    `CREATE TABLE IF NOT EXISTS ${db}.athlete_feature_state (
      athlete_id String COMMENT 'athlete id',
      step LowCardinality(String) COMMENT 'daily, rolling or weekly: the step and table the row describes',
      first_date Date COMMENT 'first activity day up to last_date (where the spine starts); 2149-06-06 when the table holds nothing to trust',
      last_date Date COMMENT 'as-of date of the run that wrote the row: the table holds the spine first_date..last_date',
      run_id String COMMENT 'pipeline run that wrote the row',
      version UInt64 COMMENT 'version of that run',
      seq UInt64 COMMENT 'version × 4 + 0 when a prune narrowed the span, + 1 after the step''s insert; the highest wins'
    ) ENGINE = ReplacingMergeTree(seq) ORDER BY (athlete_id, step)`,

    `CREATE TABLE IF NOT EXISTS ${db}.athlete_feature_starts (
      run_id String,
      bucket UInt16,
      step LowCardinality(String) COMMENT 'daily, rolling or weekly',
      athlete_id String,
      first_date Date COMMENT 'first activity day up to the run''s as-of date; 2149-06-06 without one',
      start_date Date COMMENT 'first day (daily, rolling) or Monday (weekly) the step recomputes',
      may_have_stale_rows UInt8 COMMENT 'daily step: 1 when rows outside the spine are possible and must be looked up'
    ) ENGINE = ReplacingMergeTree ORDER BY (run_id, bucket, step, athlete_id)`,
  ],
};
