import type { Database } from '../../clickhouse/sql.js';

type AthleteTable = 'athlete_daily_features' | 'athlete_rolling_features' | 'athlete_weekly_features';

/**
 * CTE `stored`: per scoped athlete, the span and number of distinct keys of `table` written by earlier runs
 * (version < {version}, so a re-run of the run sees the same inputs): where a step can resume. Needs `scope`.
 */
export const storedSpanCte = (db: Database, table: AthleteTable, dateColumn: 'date' | 'as_of_date' | 'week_start') => `
  stored AS (
    SELECT athlete_id, min(${dateColumn}) AS stored_first, max(${dateColumn}) AS stored_last, uniqExact(${dateColumn}) AS stored_count
    FROM ${db}.${table}
    WHERE athlete_id IN (SELECT athlete_id FROM scope) AND version < {version:UInt64}
    GROUP BY athlete_id
  )`;
