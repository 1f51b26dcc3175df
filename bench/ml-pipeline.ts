import { parseArgs } from 'node:util';
import { featurePipeline, ingestActivities, trainTimeEstimator, batchInference } from '../workflows/index.js';
import { benchEnvironment, machine } from './environment.js';
import { peakRssMb } from './stats.js';

/**
 * `npm run bench:ml-pipeline`: the time estimator's pipeline end to end on a synthetic population, through the
 * workflows: training set (point-in-time lookup in ClickHouse) + training + registry, then batch inference of
 * many planned activities (point-in-time lookup, ONNX scoring, writing predictions) per second.
 * The trainer and ONNX-only figures are `npm run bench:ml`.
 */
const { values } = parseArgs({
  options: {
    athletes: { type: 'string', default: '200' },
    days: { type: 'string', default: '365' },
    'planned-per-athlete': { type: 'string', default: '250' },
    'chunk-rows': { type: 'string', default: '20000' },
  },
});
const END = '2026-10-31';
const AS_OF = '2026-11-01';

const bench = await benchEnvironment();
try {
  const ch = await bench.database('ml_pipeline');
  const synthetic = {
    seed: 3,
    athletes: Number(values.athletes),
    days: Number(values.days),
    endDate: END,
    streamShare: 0,
    athletesPerSlice: 25,
  };
  const ingest = await bench.run(ch, ingestActivities, [{ synthetic }]);
  const features = await bench.run(ch, featurePipeline, [{ asOf: AS_OF }]);
  console.log(
    `${machine()}\npopulation: ${await bench.count(ch, 'activities')} activities; ingest ${ingest.seconds.toFixed(1)} s, features ${features.seconds.toFixed(1)} s`,
  );

  const trained = await bench.run(ch, trainTimeEstimator, [{ asOf: AS_OF }]);
  const t = trained.result;
  console.log(
    `trainTimeEstimator: wall ${trained.seconds.toFixed(1)} s; rows train ${t.rows.train}, valid ${t.rows.valid}, test ${t.rows.test}; ` +
      `steps ${Object.entries(t.secondsPerStep)
        .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
        .join(', ')}`,
  );
  console.log(
    `hold-out: model MAE ${t.holdout.model.mae_s.toFixed(1)} s, RMSE ${t.holdout.model.rmse_s.toFixed(1)} s, MAPE ${t.holdout.model.mape_pct.toFixed(1)} %; ` +
      `baseline MAE ${t.holdout.baseline.mae_s.toFixed(1)} s, RMSE ${t.holdout.baseline.rmse_s.toFixed(1)} s, MAPE ${t.holdout.baseline.mape_pct.toFixed(1)} % ` +
      `(MAE ${t.maeBelowBaselinePct.toFixed(1)} % below); promoted ${t.promoted}`,
  );

  // Planned activities, set-based: each athlete's recent activities replayed over the next week.
  await ch.client.command({
    query: `
      INSERT INTO ${ch.db}.planned_activities (planned_id, athlete_id, planned_date, sport, distance_m, elevation_gain_m, start_hour_local, source, content_hash)
      SELECT concat('p-', activity_id), athlete_id, toDate({asOf:String}) + (cityHash64(activity_id) % 7), sport, distance_m, elevation_gain_m,
        start_hour_local, 'bench', cityHash64(activity_id)
      FROM ${ch.db}.activity_features FINAL WHERE distance_m > 0
      ORDER BY athlete_id, local_date DESC LIMIT {perAthlete:UInt32} BY athlete_id`,
    query_params: { asOf: AS_OF, perAthlete: Number(values['planned-per-athlete']) },
  });
  const planned = await bench.count(ch, 'planned_activities');
  for (const round of ['first', 'again (same as-of, replaces its rows)']) {
    const inferred = await bench.run(ch, batchInference, [
      { asOf: AS_OF, horizonDays: 7, chunkRows: Number(values['chunk-rows']) },
    ]);
    const rows = inferred.result.plannedScored + inferred.result.completedScored;
    console.log(
      `batchInference ${round}: ${rows} rows (${planned} planned) in ${inferred.seconds.toFixed(2)} s = ${Math.round(rows / inferred.seconds)} rows/s end to end`,
    );
  }
  console.log(`peak RSS ${peakRssMb()} MB`);
} finally {
  await bench.close();
}
