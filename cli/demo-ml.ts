import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { ClickHouse } from '../clickhouse/client.js';
import type { AppConfig } from '../config/env.js';
import type { Metrics } from '../ml/registry/metrics.js';
import {
  batchInference,
  ingestActivities,
  promoteModel,
  trainTimeEstimator,
  type TrainTimeEstimatorSummary,
} from '../workflows/index.js';
import { derivePlannedActivities } from './planned-sample.js';
import { table } from './print.js';

const minutes = (s: number) => (s / 60).toFixed(1);
const metricsRow = (name: string, m: Metrics) => ({
  '': name,
  'MAE min': minutes(m.mae_s),
  'RMSE min': minutes(m.rmse_s),
  'MAPE %': m.mape_pct.toFixed(1),
});
const hms = (s: number) => `${Math.floor(s / 3600)}:${String(Math.round((s % 3600) / 60)).padStart(2, '0')}`;

/** The demo's ML part: train (the gate may promote), make sure there is a champion, plan tomorrow, infer. */
export async function demoTimeEstimator(client: Client, config: AppConfig, ch: ClickHouse): Promise<void> {
  const ml = config.temporal.mlTaskQueue;
  const run = <T>(workflow: (input: never) => Promise<T>, input: unknown, taskQueue = ml) =>
    client.workflow.execute(workflow as never, {
      taskQueue,
      workflowId: `demo-${workflow.name}-${Date.now()}`,
      args: [input] as never,
    }) as Promise<T>;

  console.log(`\nTraining the time estimator through trainTimeEstimator (task queue "${ml}")...`);
  const trained = (await run(trainTimeEstimator, {})) as TrainTimeEstimatorSummary;
  printTraining(trained);
  if (!trained.promoted && !(await hasChampion(ch))) {
    console.log(`No champion yet: promoting v${trained.version} by hand through promoteModel.`);
    await run(promoteModel, { version: trained.version, reason: 'demo: first model' });
  }

  const tomorrow = new Date(Date.parse(`${trained.asOf}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const planned = await derivePlannedActivities(ch, tomorrow, 8);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afs-planned-'));
  fs.writeFileSync(path.join(dir, 'planned.ndjson'), planned.map((p) => JSON.stringify(p)).join('\n') + '\n');
  console.log(
    `\nIngesting ${planned.length} planned activities for ${tomorrow} (${path.join(dir, 'planned.ndjson')}) through ingestActivities...`,
  );
  await run(ingestActivities, { paths: [dir] }, config.temporal.taskQueue);

  console.log(
    "\nScoring through batchInference (planned activities of the next 7 days, and yesterday's completed ones)...",
  );
  const inferred = await run(batchInference, { asOf: trained.asOf });
  console.log(
    `champion v${inferred.modelVersion}; planned scored ${inferred.plannedScored}, yesterday's completed scored ${inferred.completedScored}`,
  );
  console.log(table(await plannedPredictions(ch, inferred.modelVersion, trained.asOf)));
  console.log(
    inferred.liveError
      ? `Live error of v${inferred.modelVersion} on yesterday's ${inferred.liveError.rows} activities: MAE ${minutes(inferred.liveError.mae_s)} min, RMSE ${minutes(inferred.liveError.rmse_s)} min, MAPE ${inferred.liveError.mape_pct.toFixed(1)} %`
      : 'No completed activities yesterday: no live error today.',
  );
}

function printTraining(s: TrainTimeEstimatorSummary): void {
  console.log(
    `training set ${s.trainingSetId}: ${s.rows.train} train, ${s.rows.valid} validation, ${s.rows.test} hold-out rows (the most recent weeks); ${s.trees} trees; ONNX parity ${s.parityMaxRelError.toExponential(1)}`,
  );
  console.log(
    table([
      metricsRow(`model v${s.version}`, s.holdout.model),
      metricsRow('baseline', s.holdout.baseline),
      ...(s.holdout.champion
        ? [metricsRow(`champion v${s.holdout.champion.version}`, s.holdout.champion.metrics)]
        : []),
    ]),
  );
  console.log(
    `hold-out MAE ${s.maeBelowBaselinePct.toFixed(1)} % below the baseline; gate: ${s.gate.join('; ')} → ${s.promoted ? `v${s.version} is the champion` : 'not promoted'}`,
  );
}

async function hasChampion(ch: ClickHouse): Promise<boolean> {
  const result = await ch.client.query({
    query: `SELECT count() AS n FROM ${ch.db}.model_aliases FINAL WHERE to_version > 0`,
    format: 'JSONEachRow',
  });
  return Number((await result.json<{ n: string }>())[0]?.n) > 0;
}

async function plannedPredictions(ch: ClickHouse, version: number, asOf: string) {
  const result = await ch.client.query({
    query: `
      SELECT p.athlete_id AS athlete, toString(p.target_date) AS date, a.sport AS sport, round(a.distance_m / 1000, 1) AS km,
        a.elevation_gain_m AS climb_m, p.predicted_s AS predicted_s
      FROM ${ch.db}.predictions AS p FINAL
      JOIN (SELECT planned_id, sport, distance_m, elevation_gain_m FROM ${ch.db}.planned_activities FINAL) AS a ON a.planned_id = p.target_id
      WHERE p.kind = 'planned' AND p.model_version = {version:UInt32} AND p.as_of = {asOf:Date}
      ORDER BY athlete, sport LIMIT 8`,
    query_params: { version, asOf },
    format: 'JSONEachRow',
  });
  const rows = await result.json<{
    athlete: string;
    date: string;
    sport: string;
    km: number;
    climb_m: number;
    predicted_s: number;
  }>();
  return rows.map(({ predicted_s, ...r }) => ({ ...r, 'predicted h:mm': hms(predicted_s) }));
}
