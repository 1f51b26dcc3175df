/**
 * Generated samples are checked and stored straight from the generator's plans (ingest/generated-streams.ts),
 * never staged. Whatever the plans, that stores exactly what staging them and promoting the staged samples
 * stores: the same samples, uploads, rejects and outcome, on a first ingest, a re-ingest and a corrected
 * stream. Real embedded engine.
 */
import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { generateAthlete, insertStreamPlans, synthesizeStreams, type StreamPlan } from '../../generator/index.js';
import { promoteGeneratedSamples } from '../../ingest/generated-streams.js';
import { promoteStagedSamples, type StreamOutcome } from '../../ingest/streams.js';
import { ingestSyntheticSlice } from '../../ingest/synthetic.js';
import { freshDatabase, rows } from '../support/clickhouse.js';
import { duplicateSamples, ingestTableFingerprints } from '../support/ingest-tables.js';

const NOW = new Date('2025-06-01T00:00:00Z');
const OPTIONS = { seed: 8, athletes: 3, days: 60, streamShare: 0.3, dirtyShare: 0.2, endDate: '2025-05-30' };
const SOURCE = 'generator:test';

/** The population's plans, four of them changed to trip every check a single sample can fail. */
function plans(): StreamPlan[] {
  const generated = Array.from({ length: OPTIONS.athletes }, (_, i) => generateAthlete(OPTIONS, i).streamPlans).flat();
  const byId = new Map(generated.map((p) => [p.activity_id, p]));
  const [first, second, third, fourth] = generated as [StreamPlan, StreamPlan, StreamPlan, StreamPlan];
  byId.set('not-stored', { ...first, activity_id: 'not-stored' });
  byId.set(second.activity_id, { ...second, base_power_w: 2_400, block_power_share: 0.3 });
  byId.set(third.activity_id, { ...third, base_speed_mps: 50 });
  byId.set(fourth.activity_id, { ...fourth, base_cadence: 300 });
  return [...byId.values()];
}

/** A database holding the population's summaries (no streams: streamShare only decides which activities get plans). */
async function withSummaries(): Promise<ClickHouse> {
  const ch = await freshDatabase();
  await ingestSyntheticSlice(
    ch,
    { options: { ...OPTIONS, streamShare: 0 }, from: 0, to: OPTIONS.athletes, batchId: 's' },
    NOW,
    () => {},
  );
  return ch;
}

async function generated(ch: ClickHouse, batch: StreamPlan[], run: string): Promise<StreamOutcome> {
  await insertStreamPlans(ch, run, batch);
  return promoteGeneratedSamples(ch, { planBatchId: run, source: SOURCE, changesId: `${run}-c` });
}

async function staged(ch: ClickHouse, batch: StreamPlan[], run: string): Promise<StreamOutcome> {
  await insertStreamPlans(ch, run, batch);
  await synthesizeStreams(ch, run);
  const [outcome] = await promoteStagedSamples(ch, {
    stagedIds: [run],
    sources: [SOURCE],
    changesId: `${run}-c`,
    locatorPrefix: '',
  });
  return outcome!;
}

/** The stream tables, and the sample rejects (the summaries' rejects name the population, not SOURCE). */
async function streamTables(ch: ClickHouse) {
  const { activity_streams, activity_stream_uploads, stream_staging, stream_changes, generator_stream_plans } =
    await ingestTableFingerprints(ch);
  const rejects = await rows(
    ch,
    `SELECT source, locator, reason_code, detail, raw_payload FROM ${ch.db}.ingest_rejects FINAL
     WHERE source = {source:String} ORDER BY locator, reason_code`,
    { source: SOURCE },
  );
  return { activity_streams, activity_stream_uploads, stream_staging, stream_changes, generator_stream_plans, rejects };
}

describe('generated samples promoted from their plans', () => {
  it(
    'store what staging and promoting them stores: first ingest, re-ingest, corrected stream',
    { timeout: 120_000 },
    async () => {
      const [direct, viaStaging] = [await withSummaries(), await withSummaries()];
      const batch = plans();
      const first = [await generated(direct, batch, 'r1'), await staged(viaStaging, batch, 'r1')];
      expect(first[0]).toEqual(first[1]);
      expect(first[0]!.inserted).toBeGreaterThan(10_000);
      expect(Object.keys(first[0]!.rejected).sort()).toEqual([
        'implausible_heart_rate',
        'implausible_power',
        'implausible_speed',
        'invalid_value',
        'sample_outside_activity',
        'unknown_activity',
      ]);
      expect(await streamTables(direct)).toEqual(await streamTables(viaStaging));

      const again = [await generated(direct, batch, 'r2'), await staged(viaStaging, batch, 'r2')];
      expect(again[0]).toEqual(again[1]);
      expect(again[0]).toMatchObject({ inserted: 0, unchanged: first[0]!.inserted });

      const corrected = batch.map((p, i) => (i === 0 ? { ...p, base_power_w: p.base_power_w + 10 } : p));
      const third = [await generated(direct, corrected, 'r3'), await staged(viaStaging, corrected, 'r3')];
      expect(third[0]).toEqual(third[1]);
      expect(third[0]!.inserted).toBeGreaterThan(0);
      expect(third[0]!.inserted).toBeLessThanOrEqual(batch[0]!.moving_s);
      expect(await streamTables(direct)).toEqual(await streamTables(viaStaging));
      expect(await duplicateSamples(direct)).toBe(0);
    },
  );
});
