import type { Database } from '../../clickhouse/sql.js';

/**
 * Parquet exports from the embedded ClickHouse (`INTO OUTFILE … FORMAT Parquet`): the raw tables the peer reads
 * (as the product reads them: the newest version of each key, FINAL), and the product's feature tables the peer's
 * results are compared with. Paths are the bench's own temporary files, never input.
 */
const quote = (path: string) => `'${path.replaceAll("'", "''")}'`;
const outfile = (file: string) => `INTO OUTFILE ${quote(file)} TRUNCATE FORMAT Parquet`;

export const RAW_EXPORTS = {
  activities: (db: Database) => `
    SELECT athlete_id, activity_id, sport, local_date, distance_m, moving_time_s, avg_hr_bpm, avg_power_w, ingested_at
    FROM ${db}.activities FINAL`,
  // Only the columns the features read, in the table's (athlete, activity, time) order, stated so that a reader may
  // rely on it (the Polars peer does; parallel reading would not keep it otherwise).
  activity_streams: (db: Database) => `
    SELECT athlete_id, activity_id, t_s, hr_bpm, power_w, speed_mps, altitude_m FROM ${db}.activity_streams
    ORDER BY athlete_id, activity_id, t_s`,
  athlete_thresholds: (db: Database) => `
    SELECT athlete_id, effective_from, ftp_w, lthr_bpm, max_hr_bpm, threshold_pace_s_per_km
    FROM ${db}.athlete_thresholds FINAL`,
  activity_deletions: (db: Database) => `SELECT athlete_id, activity_id, deleted_at FROM ${db}.activity_deletions`,
};

export const PRODUCT_EXPORTS = {
  activity: (db: Database) => `SELECT * EXCEPT (run_id, version, computed_at) FROM ${db}.activity_features FINAL`,
  daily: (db: Database) => `SELECT * EXCEPT (run_id, version, computed_at) FROM ${db}.athlete_daily_features FINAL`,
  rolling: (db: Database) => `SELECT * EXCEPT (run_id, version, computed_at) FROM ${db}.athlete_rolling_features FINAL`,
  weekly: (db: Database) => `SELECT * EXCEPT (run_id, version, computed_at) FROM ${db}.athlete_weekly_features FINAL`,
};

export const exportSql = (select: string, file: string) => `${select} ${outfile(file)}`;
