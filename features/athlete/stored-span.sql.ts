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

/**
 * CTE `starts` of the day-keyed steps (daily, rolling), from `firsts`, `scope` and `stored`: where each athlete's
 * recomputation starts on this table's rows of earlier versions:
 * - at from_date, or right after the last stored day if the stored spine ends earlier (as-of moved on);
 * - at the first activity day when nothing is stored yet, or the stored spine does not begin at the
 *   first activity day (an earlier activity arrived) or has holes (an interrupted run).
 * `state_date` is the day before the start (where the rolling step reads its carried state). With `untilAsOf`
 * athletes whose start is after the as-of date are left out.
 * The weekly step has its own: it rewrites the last stored week (which may have been written part-way through),
 * so it starts at a Monday, not the day after the last stored row, and counts weeks, not days.
 */
export const dayStartsCte = (options: { untilAsOf: boolean }) => `
  starts AS (
    SELECT f.athlete_id AS athlete_id, f.first_date AS first_date,
      if(st.stored_count > 0 AND st.stored_first = f.first_date
           AND st.stored_count = dateDiff('day', st.stored_first, st.stored_last) + 1,
         least(greatest(s.from_date, f.first_date), st.stored_last + 1),
         f.first_date) AS start_date,
      start_date - 1 AS state_date
    FROM firsts AS f
    INNER JOIN scope AS s ON s.athlete_id = f.athlete_id
    LEFT JOIN stored AS st ON st.athlete_id = f.athlete_id${options.untilAsOf ? '\n    WHERE start_date <= {asOf:Date}' : ''}
  )`;
