import { usableSpan } from './state.sql.js';

/**
 * CTE `starts` of the day-keyed steps (daily, rolling), from `firsts`, `scope` and `span`: where each athlete's
 * recomputation starts:
 * - at from_date, or right after the span's last day if the span ends earlier (as-of moved on);
 * - at the first activity day when there is no span, or it does not begin at the first activity day (an earlier
 *   activity arrived, or a prune left nothing to trust).
 * `state_date` is the day before the start (where the rolling step reads its carried state). With `untilAsOf`
 * athletes whose start is after the as-of date are left out.
 * The weekly step has its own: it rewrites the last week of the span (which may have been written part-way
 * through), so it starts at a Monday, not the day after the span.
 */
export const dayStartsCte = (options: { untilAsOf: boolean }) => `
  starts AS (
    SELECT f.athlete_id AS athlete_id, f.first_date AS first_date,
      if(${usableSpan('f.first_date')},
         least(greatest(s.from_date, f.first_date), sp.span_last + 1),
         f.first_date) AS start_date,
      start_date - 1 AS state_date
    FROM firsts AS f
    INNER JOIN scope AS s ON s.athlete_id = f.athlete_id
    LEFT JOIN span AS sp ON sp.athlete_id = f.athlete_id${options.untilAsOf ? '\n    WHERE start_date <= {asOf:Date}' : ''}
  )`;
