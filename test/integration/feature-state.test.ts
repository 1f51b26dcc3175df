/**
 * The per-athlete feature state (athlete_feature_state): what a run leaves there, and that the spans stay true when
 * a run fails part-way (a prune for an earlier asOf with the later steps never run), when a step is retried, and
 * when an athlete is forgotten. Steps are called directly, as the workflow runs them (test/support/feature-run.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { computeActivityFeatures } from '../../features/activity/compute.js';
import { computeDailyFeatures, computeRollingFeatures } from '../../features/athlete/index.js';
import { checkFeatureTables } from '../../features/pipeline/checks.js';
import { planFeatureRun } from '../../features/pipeline/run-scope.js';
import { forgetAthlete } from '../../privacy/forget.js';
import { freshDatabase, rows } from '../support/clickhouse.js';
import { diffSnapshots, duplicateKeys, readFeatureTables } from '../support/feature-tables.js';
import { runFeatures, upload } from '../support/feature-run.js';
import { ndjson } from '../support/files.js';

const days = (from: string, count: number, step = 1) =>
  Array.from({ length: count }, (_, i) =>
    new Date(Date.parse(`${from}T00:00:00Z`) + i * step * 86_400_000).toISOString().slice(0, 10),
  );

/** An athlete (UTC) with an FTP, a one-hour summary ride on each of the dates. */
function athleteFiles(athleteId: string, dates: string[]): Record<string, string> {
  return {
    [`athletes-${athleteId}.ndjson`]: ndjson([
      { athlete_id: athleteId, name: athleteId, sex: 'F', birth_year: 1990, time_zone: 'UTC' },
    ]),
    [`thresholds-${athleteId}.ndjson`]: ndjson([{ athlete_id: athleteId, effective_from: '2025-01-01', ftp_w: 250 }]),
    [`activities-${athleteId}.ndjson`]: ndjson(
      dates.map((date) => ({
        activity_id: `${athleteId}-${date}`,
        athlete_id: athleteId,
        sport: 'ride',
        start_time_utc: `${date} 08:00:00`,
        distance_m: 30_000,
        moving_time_s: 3600,
        avg_power_w: 150 + Number(date.slice(-2)),
      })),
    ),
  };
}

interface StateRow {
  athlete_id: string;
  step: string;
  first_date: string;
  last_date: string;
}

const stateOf = (ch: ClickHouse) =>
  rows<StateRow>(
    ch,
    `SELECT athlete_id, step, toString(first_date) AS first_date, toString(last_date) AS last_date
     FROM ${ch.db}.athlete_feature_state FINAL ORDER BY athlete_id, step`,
  );

let version = 0;
/** The first two steps of a run only, and not recorded as succeeded: a run that failed in its rolling step. */
async function runFailingAfterDaily(ch: ClickHouse, asOf: string): Promise<void> {
  version = Math.max(Date.now(), version + 1);
  const runId = `failing-${version}`;
  const plan = await planFeatureRun(ch, { runId, version, asOf, athleteIds: [], fullRecompute: false, buckets: 1 });
  for (const bucket of plan.buckets) {
    await computeActivityFeatures(ch, { runId, version, bucket });
    await computeDailyFeatures(ch, { runId, version, bucket, asOf });
  }
}

async function fullRecompute(files: Record<string, string>, asOf: string) {
  const ch = await freshDatabase();
  await upload(ch, files);
  await runFeatures(ch, { asOf, fullRecompute: true });
  return readFeatureTables(ch);
}

describe('the per-athlete feature state', () => {
  it('holds, per athlete and step, the first activity day and the as-of date of the last run', async () => {
    const ch = await freshDatabase();
    await upload(ch, { ...athleteFiles('a', days('2025-01-03', 5, 2)), ...athleteFiles('b', ['2025-02-01']) });
    await runFeatures(ch, { asOf: '2025-01-20' });
    // b's only activity is after asOf (scoped as a change): nothing to trust yet, recomputed when it counts.
    expect(await stateOf(ch)).toEqual([
      { athlete_id: 'a', step: 'daily', first_date: '2025-01-03', last_date: '2025-01-20' },
      { athlete_id: 'a', step: 'rolling', first_date: '2025-01-03', last_date: '2025-01-20' },
      { athlete_id: 'a', step: 'weekly', first_date: '2025-01-03', last_date: '2025-01-20' },
      { athlete_id: 'b', step: 'daily', first_date: '2149-06-06', last_date: '2025-01-20' },
      { athlete_id: 'b', step: 'rolling', first_date: '2149-06-06', last_date: '2025-01-20' },
      { athlete_id: 'b', step: 'weekly', first_date: '2149-06-06', last_date: '2025-01-20' },
    ]);
    await runFeatures(ch, { asOf: '2025-02-02' });
    const state = await stateOf(ch);
    expect(state.filter((s) => s.athlete_id === 'b').map((s) => [s.step, s.first_date, s.last_date])).toEqual([
      ['daily', '2025-02-01', '2025-02-02'],
      ['rolling', '2025-02-01', '2025-02-02'],
      ['weekly', '2025-02-01', '2025-02-02'],
    ]);
    expect(state.filter((s) => s.athlete_id === 'a').every((s) => s.last_date === '2025-02-02')).toBe(true);
  }, 120_000);

  it('stays true when a run for an earlier day prunes rows and fails before its rolling and weekly steps', async () => {
    const files = athleteFiles('a', days('2025-01-01', 30, 2));
    const ch = await freshDatabase();
    await upload(ch, files);
    await runFeatures(ch, { asOf: '2025-01-31' });
    // Back to the 15th: the daily step deletes every row after it in all three tables, then the run fails.
    await runFailingAfterDaily(ch, '2025-01-15');
    // The rolling and weekly spans were narrowed to what the prune left, not left claiming the deleted days.
    const narrowed = await stateOf(ch);
    expect(narrowed.map((s) => [s.step, s.last_date])).toEqual([
      ['daily', '2025-01-15'],
      ['rolling', '2025-01-15'],
      ['weekly', '2025-01-15'],
    ]);
    // Another failing run moves the daily table on, then an ordinary run: the rolling rows 16th..18th come back.
    await runFailingAfterDaily(ch, '2025-01-18');
    await runFeatures(ch, { asOf: '2025-02-10' });
    const after = await readFeatureTables(ch);
    expect(diffSnapshots(after, await fullRecompute(files, '2025-02-10'))).toEqual([]);
    expect(Object.values(await duplicateKeys(ch)).every((n) => n === 0)).toBe(true);
  }, 180_000);

  it('lets a retried step write the rows its first attempt wrote, after that attempt wrote its state', async () => {
    const ch = await freshDatabase();
    await upload(ch, athleteFiles('a', days('2025-01-01', 20, 3)));
    await runFeatures(ch, { asOf: '2025-02-09' });
    // A failed run leaves the rolling span behind the daily one: the next run's rolling step starts before its
    // from_date, at the day after the rolling span. A retry that read its first attempt's state would start later.
    await runFailingAfterDaily(ch, '2025-02-11');
    await upload(ch, athleteFiles('a', ['2025-02-12']));
    version = Math.max(Date.now(), version + 1);
    const runId = `retried-${version}`;
    const asOf = '2025-02-14';
    const plan = await planFeatureRun(ch, { runId, version, asOf, athleteIds: [], fullRecompute: false, buckets: 1 });
    const input = { runId, version, bucket: plan.buckets[0]!, asOf };
    await computeActivityFeatures(ch, input);
    await computeDailyFeatures(ch, input);
    const first = await computeRollingFeatures(ch, input);
    // The retry: the first attempt's state row is of this run's version, which the retry does not read.
    const again = await computeRollingFeatures(ch, input);
    expect(again).toBe(first);
    // Same rows: no key of this run's version written twice with different content (the run's own check).
    expect((await checkFeatureTables(ch, version)).failed).toEqual([]);
  }, 120_000);

  it('is forgotten with the athlete', async () => {
    const ch = await freshDatabase();
    await upload(ch, { ...athleteFiles('a', ['2025-01-02']), ...athleteFiles('b', ['2025-01-03']) });
    await runFeatures(ch, { asOf: '2025-01-05' });
    await forgetAthlete(ch, 'a');
    expect((await stateOf(ch)).map((s) => s.athlete_id)).toEqual(['b', 'b', 'b']);
    const [starts] = await rows<{ n: string }>(
      ch,
      `SELECT count() AS n FROM ${ch.db}.athlete_feature_starts WHERE athlete_id = 'a'`,
    );
    expect(Number(starts!.n)).toBe(0);
  }, 120_000);
});
