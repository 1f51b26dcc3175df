import { describe, expect, it } from 'vitest';
import { checkFeatureTables, describeFailures } from '../../features/pipeline/checks.js';
import { freshDatabase } from '../support/clickhouse.js';

describe('data-quality checks of the feature tables', () => {
  it('pass when the run wrote nothing, and count the rows checked per table', async () => {
    const ch = await freshDatabase();
    const report = await checkFeatureTables(ch, 1);
    expect(report.failed).toEqual([]);
    expect(report.rows).toEqual({
      activity_features: 0,
      athlete_daily_features: 0,
      athlete_rolling_features: 0,
      athlete_weekly_features: 0,
    });
  });

  it('catch negative CTL, empty keys and zone shares that do not sum to 1, and say where', async () => {
    const ch = await freshDatabase();
    await ch.client.insert({
      table: `${ch.db}.athlete_rolling_features`,
      values: [{ athlete_id: 'a1', as_of_date: '2025-01-01', ctl: -1, atl: 2, version: 1 }],
      format: 'JSONEachRow',
    });
    await ch.client.insert({
      table: `${ch.db}.activity_features`,
      values: [
        {
          athlete_id: 'a1',
          activity_id: 'x',
          hr_covered_s: 600,
          max_hr_bpm: 190,
          z2_share: 0.5,
          z3_share: 0.2,
          version: 1,
        },
        { athlete_id: '', activity_id: 'y', version: 1 },
      ],
      format: 'JSONEachRow',
    });
    const report = await checkFeatureTables(ch, 1);
    expect(report.failed.map((c) => `${c.table}.${c.check}=${c.offending_rows}`).sort()).toEqual([
      'activity_features.empty_keys=1',
      'activity_features.zone_share_errors=1',
      'athlete_rolling_features.negative_load=1',
    ]);
    expect(describeFailures(report.failed)).toMatch(
      /^Data-quality checks failed: .*athlete_rolling_features\.negative_load \(1 rows\)/,
    );
  });
});
