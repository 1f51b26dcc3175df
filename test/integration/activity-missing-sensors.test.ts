import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { computeActivityFeatures } from '../../features/activity/compute.js';
import { freshDatabase, rows } from '../support/clickhouse.js';

const ATHLETE = 'ath-1';

async function insert(ch: ClickHouse, table: string, values: object[]): Promise<void> {
  await ch.client.insert({ table: `${ch.db}.${table}`, values, format: 'JSONEachRow' });
}

/** A one-hour ride whose summary carries `values`, with an optional 1 Hz stream of `samples` seconds. */
async function addRide(ch: ClickHouse, activityId: string, values: object, samples: object[] = []): Promise<void> {
  await insert(ch, 'activities', [
    {
      athlete_id: ATHLETE,
      activity_id: activityId,
      sport: 'ride',
      start_time_utc: '2024-01-10 08:00:00',
      utc_offset_min: 0,
      distance_m: 30_000,
      moving_time_s: 3600,
      elapsed_time_s: 3600,
      elevation_gain_m: 0,
      avg_hr_bpm: null,
      max_hr_bpm: null,
      avg_power_w: null,
      avg_cadence: null,
      device: 'test',
      source: 'test',
      content_hash: 0,
      ...values,
    },
  ]);
  if (samples.length > 0) {
    await insert(
      ch,
      'activity_streams',
      samples.map((s, t) => ({
        athlete_id: ATHLETE,
        activity_id: activityId,
        t_s: t,
        hr_bpm: null,
        power_w: null,
        speed_mps: null,
        altitude_m: null,
        cadence: null,
        distance_m: null,
        ...s,
      })),
    );
  }
}

interface Row {
  activity_id: string;
  tss_method: string;
  tss: number | null;
  intensity_factor: number | null;
  avg_power_w: number | null;
  avg_hr_bpm: number | null;
  efficiency_basis: string;
  efficiency_factor: number | null;
}

describe('activity features: a summary value of 0 from a device without the sensor is no value', () => {
  it('average power 0 W without power samples falls through to heart rate; avg power and EF are not 0', async () => {
    const ch = await freshDatabase();
    await insert(ch, 'athletes', [
      { athlete_id: ATHLETE, name: 'T', sex: 'X', birth_year: 1990, time_zone: 'UTC', content_hash: 0 },
    ]);
    await insert(ch, 'athlete_thresholds', [
      {
        athlete_id: ATHLETE,
        effective_from: '2024-01-01',
        ftp_w: 250,
        lthr_bpm: 160,
        max_hr_bpm: 190,
        resting_hr_bpm: null,
        threshold_pace_s_per_km: null,
        content_hash: 0,
      },
    ]);
    // What a FIT file of a watch without a power meter says: average power 0, heart rate 144.
    await addRide(ch, 'no-meter', { avg_power_w: 0, avg_hr_bpm: 144 });
    // The same with a heart-rate stream: the stream's HR, still no power.
    await addRide(
      ch,
      'no-meter-stream',
      { avg_power_w: 0, avg_hr_bpm: 0 },
      Array.from({ length: 3600 }, () => ({ hr_bpm: 152, speed_mps: 8 })),
    );
    // Power samples of 0 W are real readings (coasting): that is power, IF 0.
    await addRide(
      ch,
      'coasting',
      { avg_power_w: 0, avg_hr_bpm: 100 },
      Array.from({ length: 3600 }, () => ({ power_w: 0 })),
    );
    await insert(ch, 'feature_scope', [{ run_id: 'r', bucket: 0, athlete_id: ATHLETE, from_date: '2000-01-01' }]);
    await computeActivityFeatures(ch, { runId: 'r', version: 1, bucket: 0 });
    const list = await rows<Row>(ch, `SELECT * FROM ${ch.db}.activity_features FINAL ORDER BY activity_id`);
    const byId = new Map(list.map((r) => [r.activity_id, r]));

    const noMeter = byId.get('no-meter')!;
    expect(noMeter).toMatchObject({
      tss_method: 'heart_rate',
      avg_power_w: null,
      avg_hr_bpm: 144,
      efficiency_basis: 'speed',
    });
    expect(noMeter.intensity_factor).toBeCloseTo(144 / 160, 5);
    expect(noMeter.tss).toBeCloseTo(100 * (144 / 160) ** 2, 3);
    expect(noMeter.efficiency_factor).toBeCloseTo(((30_000 / 3600) * 60) / 144, 4);

    const withStream = byId.get('no-meter-stream')!;
    expect(withStream).toMatchObject({ tss_method: 'heart_rate', avg_power_w: null, avg_hr_bpm: 152 });
    expect(withStream.tss).toBeCloseTo(100 * (152 / 160) ** 2, 3);

    expect(byId.get('coasting')).toMatchObject({ tss_method: 'power', avg_power_w: 0, intensity_factor: 0, tss: 0 });
  });
});
