import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/env.js';
import { connectClient } from '../infra/temporal-connection.js';
import { ingestActivities, type IngestSummary } from '../workflows/index.js';
import { ingestTable } from './print.js';
import { runMain } from '../lib/run-main.js';
import { withSomeWorker } from './worker-in-process.js';

const usage =
  'usage: npm run ingest -- [--athlete ID] PATH...   (files or directories: athletes*, thresholds*, activities*, streams* as .ndjson/.csv, and .fit)';

/** `npm run ingest -- PATH...`: starts the ingestActivities workflow and prints what landed. */
runMain(async () => {
  const { values, positionals } = parseArgs({ options: { athlete: { type: 'string' } }, allowPositionals: true });
  if (positionals.length === 0) throw new Error(usage);
  const config = loadConfig();
  const client = await connectClient(config.temporal);
  const start = () =>
    client.workflow.start(ingestActivities, {
      taskQueue: config.temporal.taskQueue,
      workflowId: `ingest-${new Date().toISOString().replace(/[:.]/g, '-')}`,
      args: [{ paths: positionals.map((p) => path.resolve(p)), ...(values.athlete && { athleteId: values.athlete }) }],
    });
  const summary = await withSomeWorker<IngestSummary>(client, config, start);
  console.log(ingestTable(summary));
  console.log(
    `\ninserted ${summary.inserted}, unchanged ${summary.unchanged}, rejected ${summary.rejected} (details: table ingest_rejects)`,
  );
});
