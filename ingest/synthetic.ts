import type { ClickHouse } from '../clickhouse/client.js';
import {
  generateAthlete,
  insertStreamPlans,
  type GeneratedAthlete,
  type PopulationOptions,
  type StreamPlan,
} from '../generator/index.js';
import { dropPlanBatchSql, streamRowCount } from '../generator/synthesize-streams.sql.js';
import { promoteGeneratedSamples } from './generated-streams.js';
import { emptyOutcome, withStreams, type IngestOutcome } from './outcome.js';
import { attemptBatch } from './streams.js';
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

/**
 * Names the population a record came from: everything that shapes athlete i (not the athlete count, so a
 * grown population keeps its sources). Rejects are keyed by it, so two populations never share a reject.
 */
const syntheticSource = (o: PopulationOptions) =>
  `generator:seed=${o.seed},days=${o.days},endDate=${o.endDate},streamShare=${o.streamShare},dirtyShare=${o.dirtyShare ?? 'default'}`;

/**
 * Generates a slice of the synthetic population and ingests it through the same validation as files:
 * summaries through the record validators, per-second samples synthesized in ClickHouse from the slice's
 * plans and checked by the same set-based SQL as uploaded streams (generated-streams.ts).
 */
export async function ingestSyntheticSlice(
  ch: ClickHouse,
  slice: SyntheticSlice,
  now: Date,
  onProgress: (athletesDone: number) => void,
  attempt = 1,
  whilePromoting: <T>(work: () => Promise<T>) => Promise<T> = (work) => work(),
): Promise<IngestOutcome> {
  const outcome = emptyOutcome(syntheticSource(slice.options), 'synthetic');
  // Each attempt plans into partitions of its own (see attemptBatch).
  const batchId = await attemptBatch(ch, slice.batchId, attempt);
  const changesId = await attemptBatch(ch, `${slice.batchId}-promote`, attempt);
  for (let earlier = 1; earlier <= attempt; earlier += 1) {
    await ch.client.command({
      query: dropPlanBatchSql(ch.db),
      query_params: { batch_id: `${slice.batchId}-a${earlier}` },
    });
  }
  const ingester = new SummaryIngester(ch, outcome, now);
  let plans: StreamPlan[] = [];
  for (let index = slice.from; index < slice.to; index += 1) {
    const athlete = recentPart(generateAthlete(slice.options, index), slice.since);
    const id = String(athlete.athlete.athlete_id);
    await ingester.add('athletes', record(`${id}/athlete`, athlete.athlete));
    for (const [i, t] of athlete.thresholds.entries())
      await ingester.add('thresholds', record(`${id}/thresholds[${i}]`, t));
    for (const [i, a] of athlete.activities.entries())
      await ingester.add('activities', record(`${id}/activities[${i}]`, a));
    plans.push(...athlete.streamPlans);
    if (plans.length >= 2_000) plans = await storePlans(ch, batchId, plans);
    onProgress(index + 1 - slice.from);
  }
  await ingester.flush();
  await storePlans(ch, batchId, plans);
  outcome.records += await plannedSamples(ch, batchId);
  const streams = await whilePromoting(() =>
    promoteGeneratedSamples(ch, { planBatchId: batchId, source: outcome.source, changesId }),
  );
  return withStreams(outcome, streams);
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

/** The samples the batch's plans generate (rejected ones included): the slice's stream records. */
async function plannedSamples(ch: ClickHouse, batchId: string): Promise<number> {
  const result = await ch.client.query({
    query: streamRowCount(ch.db),
    query_params: { batch_id: batchId },
    format: 'JSONEachRow',
  });
  const [{ samples } = { samples: '0' }] = await result.json<{ samples: string }>();
  return Number(samples);
}
