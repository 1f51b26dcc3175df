import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { derivePlannedActivities } from '../../cli/planned-sample.js';
import { aliasChanges } from '../../ml/registry/registry.js';
import { MODEL_NAME } from '../../ml/time-estimator/spec.js';
import {
  batchInference,
  featurePipeline,
  ingestActivities,
  promoteModel,
  trainTimeEstimator,
  type BatchInferenceInput,
  type PromoteModelInput,
  type TrainTimeEstimatorInput,
} from '../../workflows/index.js';
import { freshDatabase, rows } from '../support/clickhouse.js';
import { ndjson, writeFiles } from '../support/files.js';
import { startTemporal } from '../support/temporal.js';
import { withWorker } from '../support/worker.js';

const END = '2025-06-30';
const AS_OF = '2025-07-01';

let env: TestWorkflowEnvironment;
let ch: ClickHouse;

beforeAll(async () => {
  env = await startTemporal();
  ch = await freshDatabase();
  await onWorkers(ch, async (wf) => {
    await wf.run(ingestActivities, {
      synthetic: { seed: 11, athletes: 24, days: 300, streamShare: 0, endDate: END, dirtyShare: 0 },
    });
    await wf.run(featurePipeline, { asOf: AS_OF });
  });
}, 600_000);
afterAll(async () => {
  await env?.teardown();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyWorkflow = (input: any) => Promise<unknown>;

/** Workflows started on the worker's queues: the ML ones on the ML queue. */
function workflowsOn(taskQueue: string, mlTaskQueue: string) {
  const ML = new Set<string>([trainTimeEstimator.name, batchInference.name, promoteModel.name]);
  const options = (workflow: AnyWorkflow, input: unknown) =>
    ({
      args: [input],
      taskQueue: ML.has(workflow.name) ? mlTaskQueue : taskQueue,
      workflowId: `${workflow.name}-${randomUUID()}`,
    }) as never;
  return {
    featureTaskQueue: taskQueue,
    run: <W extends AnyWorkflow>(workflow: W, input: Parameters<W>[0]) =>
      env.client.workflow.execute(workflow, options(workflow, input)) as ReturnType<W>,
    /** The failure message of a run expected to fail. */
    failure: async <W extends AnyWorkflow>(workflow: W, input: unknown): Promise<string> => {
      const error = await env.client.workflow.execute(workflow, options(workflow, input)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, `${workflow.name}(${JSON.stringify(input)}) should fail`).toBeInstanceOf(WorkflowFailedError);
      return String((error as WorkflowFailedError).cause?.message);
    },
  };
}

const onWorkers = <T>(db: ClickHouse, fn: (wf: ReturnType<typeof workflowsOn>) => Promise<T>) =>
  withWorker(env, db, (taskQueue, mlTaskQueue) => fn(workflowsOn(taskQueue, mlTaskQueue)));

const champion = async (db: ClickHouse) => (await aliasChanges(db, MODEL_NAME)).at(-1)?.toVersion;

describe('time estimator', () => {
  it('trains end to end: hold-out MAE ≥ 15 % below the baseline, promoted as first champion, run and version recorded', async () => {
    const summary = await onWorkers(ch, (wf) => wf.run(trainTimeEstimator, { asOf: AS_OF }));
    expect(summary.rows.test).toBeGreaterThan(100);
    expect(summary.maeBelowBaselinePct).toBeGreaterThanOrEqual(15);
    expect(summary.holdout.model.mae_s).toBeLessThan(0.85 * summary.holdout.baseline.mae_s);
    expect(summary.parityMaxRelError).toBeLessThanOrEqual(1e-4);
    expect(summary).toMatchObject({ version: 1, promoted: true });
    expect(await champion(ch)).toBe(1);

    const [run] = await rows<{
      status: string;
      model_version: number;
      promoted: number;
      features: string[];
      feature_run_id: string;
      metrics: string;
      params: string;
    }>(
      ch,
      `SELECT status, model_version, promoted, features, feature_run_id, metrics, params FROM ${ch.db}.ml_runs FINAL WHERE run_id = {id:String}`,
      { id: summary.runId },
    );
    expect(run).toMatchObject({ status: 'succeeded', model_version: 1, promoted: 1 });
    expect(run!.features).toContain('ctl@1');
    expect(run!.feature_run_id).not.toBe('');
    expect(JSON.parse(run!.metrics).test.baseline.mae_s).toBeCloseTo(summary.holdout.baseline.mae_s, 6);
    expect(JSON.parse(run!.params)).toMatchObject({ nTrees: 300, maxDepth: 6, seed: 42 }); // the defaults, recorded resolved
    const [version] = await rows<{ sha256: string; ok: number }>(
      ch,
      `SELECT sha256, sha256 = lower(hex(SHA256(base64Decode(onnx)))) AS ok FROM ${ch.db}.model_versions FINAL WHERE version = 1`,
    );
    expect(version!.ok).toBe(1);
  }, 600_000);

  it('gates a worse model out; promote and rollback move the champion and the alias history shows every change', async () => {
    await onWorkers(ch, async (wf) => {
      const worse = await wf.run(trainTimeEstimator, { asOf: AS_OF, params: { nTrees: 2, learningRate: 0.05 } });
      expect(worse.promoted).toBe(false);
      expect(worse.holdout.champion?.version).toBe(1);
      expect(worse.gate.join(' ')).toMatch(/does not beat/);
      expect(await champion(ch)).toBe(1);

      await wf.run(promoteModel, { version: worse.version, reason: 'test: manual promotion' });
      expect(await champion(ch)).toBe(worse.version);
      await wf.run(promoteModel, { rollback: true });
      expect(await champion(ch)).toBe(1);
    });
    const history = (await aliasChanges(ch, MODEL_NAME)).map((c) => [c.action, c.fromVersion, c.toVersion]);
    expect(history).toEqual([
      ['promote', 0, 1],
      ['promote', 1, 2],
      ['rollback', 2, 1],
    ]);
  }, 600_000);

  it("scores planned and yesterday's completed activities idempotently per as-of date and model version", async () => {
    const planned = await derivePlannedActivities(ch, '2025-07-02', 6);
    const bad = [
      { ...planned[0], planned_id: 'bad-sport', sport: 'curling' },
      { ...planned[0], planned_id: 'bad-athlete', athlete_id: 'nobody' },
      { ...planned[0], planned_id: 'bad-distance', distance_m: -5 },
    ];
    await onWorkers(ch, async (wf) => {
      const p = planned[1]!;
      const csv = `planned_id,athlete_id,planned_date,sport,distance_m,elevation_gain_m,planned_start_time\ncsv-1,${p.athlete_id},2025-07-03,${p.sport},${p.distance_m},,07:30\ncsv-2,${p.athlete_id},2025-07-03,${p.sport},${p.distance_m},,25:00\n`;
      const ingested = await wf.run(ingestActivities, {
        paths: [writeFiles({ 'planned.ndjson': ndjson([...planned, ...bad]), 'planned_week.csv': csv })],
      });
      expect(ingested).toMatchObject({ inserted: 7, rejected: 4 });
      await wf.run(featurePipeline, { asOf: AS_OF }); // the planned upload is raw data too: features must be current
      const first = await wf.run(batchInference, { asOf: AS_OF });
      const snapshot = () =>
        rows<{ kind: string; target_id: string; predicted_s: number; feature_hash: string }>(
          ch,
          `SELECT kind, target_id, predicted_s, toString(feature_hash) AS feature_hash FROM ${ch.db}.predictions FINAL
             WHERE model_version = 1 AND as_of = {asOf:Date} ORDER BY kind, target_id`,
          { asOf: AS_OF },
        );
      const before = await snapshot();
      // Again, in chunks of 4 rows: the keyset paging covers every row once and the results are the same.
      const second = await wf.run(batchInference, { asOf: AS_OF, chunkRows: 4 });
      expect(second).toMatchObject({
        plannedScored: first.plannedScored,
        completedScored: first.completedScored,
        modelVersion: 1,
      });
      expect(await snapshot()).toEqual(before);
      expect(first.plannedScored).toBe(7);
      expect(first.completedScored).toBeGreaterThan(0);
      expect(first.liveError?.rows).toBe(first.completedScored);
      expect(
        before
          .filter((r) => r.kind === 'planned')
          .map((r) => r.target_id)
          .sort(),
      ).toEqual([...planned.map((r) => r.planned_id), 'csv-1'].sort());
      for (const p of before) expect(p.predicted_s).toBeGreaterThan(60);
    });
    const [errors] = await rows<{ n: string; u: string }>(
      ch,
      `SELECT count() AS n, uniqExact(activity_id) AS u FROM ${ch.db}.prediction_errors FINAL WHERE as_of = {asOf:Date}`,
      { asOf: AS_OF },
    );
    expect(Number(errors!.n)).toBe(Number(errors!.u));
    const rejects = await rows<{ source: string; reason_code: string }>(
      ch,
      `SELECT source, reason_code FROM ${ch.db}.ingest_rejects FINAL WHERE source LIKE '%/planned%' ORDER BY source, reason_code`,
    );
    expect(rejects.map((r) => `${path.basename(r.source)} ${r.reason_code}`)).toEqual([
      'planned.ndjson invalid_value',
      'planned.ndjson unknown_athlete',
      'planned.ndjson unknown_sport',
      'planned_week.csv malformed_date',
    ]);
    const [hour] = await rows<{ h: number }>(
      ch,
      `SELECT start_hour_local AS h FROM ${ch.db}.planned_activities FINAL WHERE planned_id = 'csv-1'`,
    );
    expect(hour?.h).toBe(7);
  }, 600_000);

  it('fails batchInference clearly without a champion, without features for the date, and with features older than the raw data; bad hyperparameters fail training', async () => {
    const empty = await freshDatabase();
    await onWorkers(empty, async (wf) => {
      expect(await wf.failure(batchInference, { asOf: AS_OF })).toMatch(/No champion for time_estimator/);
    });
    await onWorkers(ch, async (wf) => {
      expect(await wf.failure(batchInference, { asOf: '2025-08-01' })).toMatch(/Features for 2025-08-01 are missing/);
      // Ranges of hyperparameters are the trainer's to check: its message comes through, not retried.
      expect(await wf.failure(trainTimeEstimator, { asOf: AS_OF, params: { maxDepth: 99 } })).toMatch(
        /Invalid GBDT parameters: maxDepth must be an integer in 1..30/,
      );
      const [athlete] = await rows<{ athlete_id: string }>(
        ch,
        `SELECT athlete_id FROM ${ch.db}.athletes FINAL LIMIT 1`,
      );
      const late = {
        activity_id: 'late-1',
        athlete_id: athlete!.athlete_id,
        sport: 'run',
        start_time_utc: '2025-06-30 18:00:00',
        distance_m: 5000,
        moving_time_s: 1500,
      };
      await wf.run(ingestActivities, { paths: [writeFiles({ 'activities.ndjson': ndjson([late]) })] });
      expect(await wf.failure(batchInference, { asOf: AS_OF })).toMatch(/older than the raw data/);
      // As the 06:30 schedule runs it: first the day's features (started here, as none ran under that id), then scoring.
      const waited = await wf.run(batchInference, { asOf: AS_OF, featureTaskQueue: wf.featureTaskQueue });
      expect(waited.asOf).toBe(AS_OF);
      const features = await env.client.workflow.getHandle(`feature-pipeline-${AS_OF}`).describe();
      expect(features.status.name).toBe('COMPLETED');
      expect(features.taskQueue).toBe(wf.featureTaskQueue);
    });
  }, 600_000);

  it('rejects bad input to every ML workflow with a clear message', async () => {
    const empty = await freshDatabase();
    await onWorkers(empty, async (wf) => {
      const train = (input: unknown) => wf.failure(trainTimeEstimator, input as TrainTimeEstimatorInput);
      expect(await train({ asOf: '2025-13-01' })).toMatch(
        /asOf must be an existing date YYYY-MM-DD, got a string "2025-13-01"/,
      );
      expect(await train({ params: { nTree: 3 } })).toMatch(/unknown key "params.nTree" \(did you mean "nTrees"\?\)/);
      expect(await train({ params: { nTrees: 'many' } })).toMatch(
        /params.nTrees must be a whole number, got a string "many"/,
      );
      expect(await train({ testWeeks: 0, margin: 2 })).toMatch(
        /testWeeks must be within 1–52, got 0.*margin must be within 0–0.9, got 2/,
      );
      expect(await train({ asOf: AS_OF })).toMatch(/No completed activities with features before 2025-07-01/);

      const infer = (input: unknown) => wf.failure(batchInference, input as BatchInferenceInput);
      expect(await infer({ asOf: 'today' })).toMatch(/asOf must be an existing date YYYY-MM-DD/);
      expect(await infer({ horizonDays: 0, chunkRows: 0, extra: 1 })).toMatch(
        /unknown key "extra".*horizonDays must be within 1–60, got 0.*chunkRows must be within/,
      );

      const promote = (input: unknown) => wf.failure(promoteModel, input as PromoteModelInput);
      expect(await promote({})).toMatch(/give either a version or rollback: true/);
      expect(await promote({ version: 1, rollback: true })).toMatch(/give either/);
      expect(await promote({ version: 1.5 })).toMatch(/version must be a whole number, got a number 1.5/);
      expect(await promote({ version: 7 })).toMatch(/time_estimator v7 is not registered/);
      expect(await promote({ rollback: true })).toMatch(/no previous champion/);
    });
  }, 600_000);
});
