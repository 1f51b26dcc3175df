import type { Client } from '@temporalio/client';
import type { ClickHouse } from '../clickhouse/client.js';
import { loadConfig, type AppConfig } from '../config/env.js';
import { ensureDevServer } from '../infra/dev-server.js';
import { startStack } from './stack-control.js';
import { stopBackgroundWorker } from '../infra/background-worker.js';
import { connectClient } from '../infra/temporal-connection.js';
import { featurePipeline, ingestActivities } from '../workflows/index.js';
import { demoTimeEstimator } from './demo-ml.js';
import { ingestTable, table } from './print.js';
import { runMain } from '../lib/run-main.js';
import { withInProcessWorker } from './worker-in-process.js';

const POPULATION = { seed: 42, athletes: 50, days: 365, streamShare: 0.05 };

/** `npm run demo`: the whole product on the embedded defaults, through Temporal. */
runMain(async () => {
  const config = loadConfig();
  const server = await ensureDevServer(config);
  console.log(`Temporal dev server: ${config.temporal.address} (Web UI ${server.uiUrl})`);
  const client = await connectClient(config.temporal);
  // A worker left running by an earlier demo holds the embedded data: it hands it over until the demo is done.
  if (await stopBackgroundWorker(config))
    console.log('Stopped the background worker for the demo; it is restarted at the end.');
  await withInProcessWorker(config, async (ch) => {
    await ingestPopulation(client, config);
    await printLanded(ch);
    await computeFeatures(client, config);
    await printFitness(ch);
    await demoTimeEstimator(client, config, ch);
  });
  // The demo held the embedded data; now the background worker takes it over, so the UI's runs have a worker.
  console.log('\nLeaving the stack running (dev server, worker, schedules):');
  await startStack(config);
});

async function ingestPopulation(client: Client, config: AppConfig): Promise<void> {
  console.log(
    `\nGenerating and ingesting ${POPULATION.athletes} athletes × ${POPULATION.days} days through the ingestActivities workflow...`,
  );
  const started = Date.now();
  const summary = await client.workflow.execute(ingestActivities, {
    taskQueue: config.temporal.taskQueue,
    workflowId: `demo-ingest-${Date.now()}`,
    args: [{ synthetic: { ...POPULATION, athletesPerSlice: 25 } }],
  });
  console.log(ingestTable(summary));
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

async function printLanded(ch: ClickHouse): Promise<void> {
  const query = async (sql: string) =>
    (await ch.client.query({ query: sql, format: 'JSONEachRow' })).json<Record<string, string | number>>();
  console.log('\nRows stored:');
  console.log(
    table(
      await query(`
    SELECT 'athletes' AS table, count() AS rows FROM ${ch.db}.athletes FINAL
    UNION ALL SELECT 'athlete_thresholds', count() FROM ${ch.db}.athlete_thresholds FINAL
    UNION ALL SELECT 'activities', count() FROM ${ch.db}.activities FINAL
    UNION ALL SELECT 'activity_streams', count() FROM ${ch.db}.activity_streams
    UNION ALL SELECT 'ingest_rejects', count() FROM ${ch.db}.ingest_rejects FINAL`),
    ),
  );
  console.log('\nQuarantined records by reason:');
  console.log(
    table(
      await query(
        `SELECT reason_code AS reason, count() AS records FROM ${ch.db}.ingest_rejects FINAL GROUP BY reason_code ORDER BY records DESC`,
      ),
    ),
  );
}

async function computeFeatures(client: Client, config: AppConfig): Promise<void> {
  console.log('\nComputing features through the featurePipeline workflow (activity → daily → rolling ‖ weekly)...');
  const summary = await client.workflow.execute(featurePipeline, {
    taskQueue: config.temporal.taskQueue,
    workflowId: `demo-features-${Date.now()}`,
    args: [{}],
  });
  console.log(
    table(Object.entries(summary.rowsWritten).map(([name, rows]) => ({ table: name, 'rows written': rows }))),
  );
  console.log(
    `athletes ${summary.athletesTouched}, as of ${summary.asOf}, watermark ${summary.watermark}; seconds per step: ${Object.entries(
      summary.secondsPerStep,
    )
      .map(([step, s]) => `${step} ${s.toFixed(1)}`)
      .join(', ')}; checks ${summary.checks.every((c) => c.passed) ? 'passed' : 'FAILED'}`,
  );
}

async function printFitness(ch: ClickHouse): Promise<void> {
  const result = await ch.client.query({
    query: `
      SELECT athlete_id, as_of_date AS date, round(ctl, 1) AS CTL, round(atl, 1) AS ATL, round(tsb, 1) AS TSB,
        round(acwr, 2) AS ACWR, round(monotony, 2) AS monotony
      FROM ${ch.db}.athlete_rolling_features FINAL
      WHERE athlete_id IN (SELECT DISTINCT athlete_id FROM ${ch.db}.athletes FINAL ORDER BY athlete_id LIMIT 3)
        AND as_of_date > (SELECT max(as_of_date) FROM ${ch.db}.athlete_rolling_features) - 5
      ORDER BY athlete_id, date`,
    format: 'JSONEachRow',
  });
  console.log('\nFitness (CTL), fatigue (ATL) and form (TSB) over the last days, three athletes:');
  console.log(table(await result.json<Record<string, string | number>>()));
}
