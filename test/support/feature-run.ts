/**
 * The feature pipeline's steps in the order the featurePipeline workflow runs them, called directly (no
 * Temporal): what the randomized invariant test needs hundreds of times. The workflow's own tests keep
 * covering the orchestration; this covers what the steps leave in the tables.
 */
import type { ClickHouse } from '../../clickhouse/client.js';
import { computeActivityFeatures } from '../../features/activity/compute.js';
import { computeDailyFeatures, computeRollingFeatures, computeWeeklyFeatures } from '../../features/athlete/index.js';
import { checkFeatureTables, describeFailures } from '../../features/pipeline/checks.js';
import { planFeatureRun, type FeatureRunPlan } from '../../features/pipeline/run-scope.js';
import { recordRunOutcome } from '../../features/pipeline/runs.js';
import { totalRejected, type IngestOutcome } from '../../ingest/outcome.js';
import { ingestFile } from '../../ingest/ingest-file.js';
import { planIngest } from '../../ingest/classify-files.js';
import { writeFiles } from './files.js';

let lastVersion = 0;

/** One run: plan, the four steps per bucket, checks, recorded as succeeded (its watermark then counts). */
export async function runFeatures(
  ch: ClickHouse,
  input: { asOf: string; athleteIds?: string[]; fullRecompute?: boolean },
  buckets = 1,
): Promise<FeatureRunPlan> {
  lastVersion = Math.max(Date.now(), lastVersion + 1);
  const version = lastVersion;
  const runId = `run-${version}`;
  const plan = await planFeatureRun(ch, {
    runId,
    version,
    asOf: input.asOf,
    athleteIds: input.athleteIds ?? [],
    fullRecompute: input.fullRecompute ?? false,
    buckets,
  });
  const step = { runId, version, asOf: input.asOf };
  for (const bucket of plan.buckets) await computeActivityFeatures(ch, { ...step, bucket });
  for (const bucket of plan.buckets) await computeDailyFeatures(ch, { ...step, bucket });
  for (const bucket of plan.buckets) await computeRollingFeatures(ch, { ...step, bucket });
  for (const bucket of plan.buckets) await computeWeeklyFeatures(ch, { ...step, bucket });
  const report = await checkFeatureTables(ch, version);
  if (report.failed.length > 0) throw new Error(describeFailures(report.failed));
  await recordRunOutcome(ch, runId, { status: 'succeeded', checks: report.checks });
  return plan;
}

/** Ingests the files (name → content) as the ingest workflow would, file by file in dependency order. */
export async function upload(ch: ClickHouse, files: Record<string, string>): Promise<IngestOutcome[]> {
  if (Object.keys(files).length === 0) return [];
  const outcomes: IngestOutcome[] = [];
  for (const [i, file] of planIngest([writeFiles(files)]).entries()) {
    outcomes.push(
      await ingestFile(ch, file, { batchId: `upload-${Date.now()}-${i}`, now: new Date(), onProgress: () => {} }),
    );
  }
  const rejected = outcomes.filter((o) => totalRejected(o) > 0);
  if (rejected.length > 0)
    throw new Error(`upload rejected records: ${JSON.stringify(rejected.map((o) => [o.source, o.rejected]))}`);
  return outcomes;
}
