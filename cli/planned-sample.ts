import type { ClickHouse } from '../clickhouse/client.js';

/** A planned-activity record as a `planned*.ndjson` file holds it (README, ingestion). */
export interface PlannedRecord {
  planned_id: string;
  athlete_id: string;
  planned_date: string;
  sport: string;
  distance_m: number;
  elevation_gain_m: number;
  planned_start_time: string;
}

/**
 * The synthetic population plans nothing, so the demo derives plans: for `count` athletes, their most recent
 * activity repeated on `date` (same sport, distance rounded to 100 m, climb and start hour).
 */
export async function derivePlannedActivities(ch: ClickHouse, date: string, count: number): Promise<PlannedRecord[]> {
  const result = await ch.client.query({
    query: `
      SELECT athlete_id, toString(sport) AS sport, round(argMax(distance_m, start_time_utc), -2) AS last_distance_m,
        round(argMax(elevation_gain_m, start_time_utc)) AS last_elevation_gain_m, argMax(start_hour_local, start_time_utc) AS hour
      FROM ${ch.db}.activity_features FINAL
      WHERE distance_m > 0
      GROUP BY athlete_id, sport ORDER BY athlete_id, sport LIMIT {count:UInt32}`,
    query_params: { count },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{
    athlete_id: string;
    sport: string;
    last_distance_m: number;
    last_elevation_gain_m: number;
    hour: number;
  }>();
  return rows.map((r) => ({
    planned_id: `plan-${r.athlete_id}-${r.sport}-${date}`,
    athlete_id: r.athlete_id,
    planned_date: date,
    sport: r.sport,
    distance_m: Number(r.last_distance_m),
    elevation_gain_m: Number(r.last_elevation_gain_m),
    planned_start_time: `${String(r.hour).padStart(2, '0')}:00`,
  }));
}
