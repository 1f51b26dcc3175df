import type { ClickHouse } from '../clickhouse/client.js';
import { generateAthlete, insertStreamPlans, synthesizeStreams, type GeneratedAthlete, type PopulationOptions, type StreamPlan } from '../generator/index.js';
import { dropPlanBatchSql } from '../generator/stream-sql.js';
import { addRejected, emptyOutcome, type IngestOutcome } from './outcome.js';
import { promoteStagedSamples, resetBatch } from './streams.js';
import { SummaryIngester } from './summary-ingester.js';

export interface SyntheticSlice {
  options: PopulationOptions;
  /** athletes [from, to) of the population */
  from: number;
  to: number;
  batchId: string;
  /** YYYY-MM-DD: only thresholds and activities dated from this day on (appending days to a population) */
  since?: string;
}

const syntheticSource = (options: PopulationOptions) => `generator:seed=${options.seed}`;

/**
 * Generates a slice of the synthetic population and ingests it through the same validation as files:
 * summaries through the record validators, per-second samples synthesized in ClickHouse into staging
 * and checked by the same set-based SQL as uploaded streams.
 */
export async function ingestSyntheticSlice(
  ch: ClickHouse, slice: SyntheticSlice, now: Date, onProgress: (athletesDone: number) => void,
): Promise<IngestOutcome> {
  const outcome = emptyOutcome(syntheticSource(slice.options), 'synthetic');
  await resetBatch(ch, slice.batchId);
  await ch.client.command({ query: dropPlanBatchSql(ch.db), query_params: { batch_id: slice.batchId } });
  const ingester = new SummaryIngester(ch, outcome, now);
  let plans: StreamPlan[] = [];
  for (let index = slice.from; index < slice.to; index += 1) {
    const athlete = recentPart(generateAthlete(slice.options, index), slice.since);
    const id = String(athlete.athlete.athlete_id);
    await ingester.add('athletes', record(`${id}/athlete`, athlete.athlete));
    for (const [i, t] of athlete.thresholds.entries()) await ingester.add('thresholds', record(`${id}/thresholds[${i}]`, t));
    for (const [i, a] of athlete.activities.entries()) await ingester.add('activities', record(`${id}/activities[${i}]`, a));
    plans.push(...athlete.streamPlans);
    if (plans.length >= 2_000) plans = await storePlans(ch, slice.batchId, plans);
    onProgress(index + 1 - slice.from);
  }
  await ingester.flush();
  await storePlans(ch, slice.batchId, plans);
  outcome.records += await synthesizeStreams(ch, slice.batchId);
  const streams = await promoteStagedSamples(ch, slice.batchId, outcome.source, 'generated sample ');
  outcome.inserted += streams.inserted;
  outcome.unchanged += streams.unchanged;
  addRejected(outcome, streams.rejected);
  return outcome;
}

function recentPart(athlete: GeneratedAthlete, since: string | undefined): GeneratedAthlete {
  if (!since) return athlete;
  const activities = athlete.activities.filter((a) => String(a.start_time_utc ?? '').slice(0, 10) >= since);
  const kept = new Set(activities.map((a) => a.activity_id));
  return {
    athlete: athlete.athlete,
    thresholds: athlete.thresholds.filter((t) => String(t.effective_from) >= since),
    activities,
    streamPlans: athlete.streamPlans.filter((p) => kept.has(p.activity_id)),
  };
}

function record(locator: string, fields: Record<string, unknown>) {
  return { locator, fields, text: JSON.stringify(fields) };
}

async function storePlans(ch: ClickHouse, batchId: string, plans: StreamPlan[]): Promise<StreamPlan[]> {
  await insertStreamPlans(ch, batchId, plans);
  return [];
}
