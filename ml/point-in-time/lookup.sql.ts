import type { Database } from '../../clickhouse/sql.js';
import { resolveFeatureSet, type FeatureSet } from './feature-set.js';

/**
 * The point-in-time lookup, one query for training and inference alike. `labels` is a SQL subquery with at
 * least `athlete_id String` and `label_date Date` (any further columns pass through). Each label row gets,
 * per view, the latest row whose data ends strictly before its label date (ASOF LEFT JOIN on
 * `coversUntil < label_date`), or NULLs when there is none within the view's maximum lookback. Label rows
 * without any feature row are kept. Feature tables are read through FINAL, so a recomputed row wins.
 * Output: the label columns plus one column per feature, named `view.column` (quoted with backticks).
 *
 * An unmatched join gives default values (covers_until 1970-01-01), which the lookback test turns into NULL.
 * Identifiers come from the catalog only; `labels` is built by this codebase, never from input.
 */
export function pointInTimeSql(db: Database, set: FeatureSet, labels: string): string {
  const views = resolveFeatureSet(set);
  const selects = views.flatMap(({ view, lookbackDays, columns }, i) =>
    columns.map(
      (c) =>
        `if(dateDiff('day', v${i}.covers_until, l.label_date) <= ${lookbackDays}, v${i}.${c.column}, NULL) AS \`${view.name}.${c.column}\``,
    ),
  );
  const joins = views.map(
    ({ view, lookbackDays, columns }, i) => `
    ASOF LEFT JOIN (
      SELECT athlete_id AS entity_id, ${view.coversUntil} AS covers_until, ${columns.map((c) => c.column).join(', ')}
      FROM ${db}.${view.table} FINAL
      WHERE athlete_id IN (SELECT athlete_id FROM labels)
        AND ${view.eventDate} >= (SELECT min(label_date) FROM labels) - ${lookbackDays + 7}
    ) AS v${i} ON l.athlete_id = v${i}.entity_id AND l.label_date > v${i}.covers_until`,
  );
  return `
    WITH labels AS (${labels})
    SELECT l.*${selects.map((s) => `,\n      ${s}`).join('')}
    FROM labels AS l${joins.join('')}`;
}
