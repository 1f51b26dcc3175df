import { parseArgs } from 'node:util';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { parseTimeZone } from '../config/common.js';
import { loadTemporalConfig, type TemporalConfig } from '../config/temporal.js';
import { connectClient } from '../infra/temporal-client.js';
import type { AthleteFeatures, ModelOverview } from '../activities/lookup.js';
import type { AliasChange } from '../ml/registry/registry.js';
import { dateIn } from '../workflows/nominal-time.js';
import { followProgress } from './follow.js';
import { table } from './print.js';
import { runMain } from '../lib/run-main.js';

const HELP = `usage: npm run cli -- <command> [options]

Works through Temporal only (the worker owns ClickHouse), against TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE.

  features [--as-of YYYY-MM-DD] [--athlete ID]... [--full] [--no-follow]
      Start the feature pipeline and follow its progress from heartbeats. A plain run is feature-pipeline-<asOf>:
      it joins a run of that day already going, and reuses one that succeeded. Default as-of: today in PIPELINE_TIME_ZONE.
  start <workflowType> [--input JSON] [--id WORKFLOW_ID] [--queue TASK_QUEUE] [--no-follow]
      Start any workflow (trainTimeEstimator, batchInference, promoteModel on --queue ml; ingestActivities, ...)
      and follow it. Default queue: TEMPORAL_TASK_QUEUE (feature-engineering).
  backfill --from YYYY-MM-DD --to YYYY-MM-DD
      Run the feature pipeline as of every date in the range, oldest first (feature-pipeline-<date> each).
  runs [--limit N] [--type WORKFLOW_TYPE]
      Recent workflow runs with their status, start and duration.
  athlete <ATHLETE_ID>
      The athlete's latest rolling and weekly features and the planned activities of the newest batch inference with
      their predicted moving times (read by the worker through the athleteFeatures workflow).
  models
      The time estimator's versions with their hold-out metrics beside the baseline's, the champion, and every change
      of the champion alias (read by the worker through the modelOverview workflow on ML_TASK_QUEUE, default ml).
  promote <VERSION> [--reason TEXT]
      Make VERSION the champion, without the gate (the promoteModel workflow on ML_TASK_QUEUE); recorded in the history.
  rollback [--reason TEXT]
      Point the champion back at the version before the current one (promoteModel with rollback: true).
  help
      This text.`;

type Options = ReturnType<typeof parse>['values'];

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'as-of': { type: 'string' },
      athlete: { type: 'string', multiple: true },
      full: { type: 'boolean' },
      'no-follow': { type: 'boolean' },
      input: { type: 'string' },
      id: { type: 'string' },
      queue: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      limit: { type: 'string' },
      type: { type: 'string' },
      reason: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

runMain(async () => {
  const { values, positionals } = parse(process.argv.slice(2));
  const [command, ...rest] = positionals;
  if (!command || command === 'help' || values.help) return void console.log(HELP);
  const commands: Record<string, (client: Client, config: TemporalConfig) => Promise<void>> = {
    features: (client, config) => features(client, config, values),
    start: (client, config) => start(client, config, rest[0], values),
    backfill: (client, config) => backfill(client, config, values),
    runs: (client) => runs(client, values),
    athlete: (client, config) => athlete(client, config, rest[0]),
    models: (client, config) => models(client, config),
    promote: (client, config) => promote(client, config, { version: parseVersion(rest[0]) }, values.reason),
    rollback: (client, config) => promote(client, config, { rollback: true }, values.reason),
  };
  const run = commands[command];
  if (!run) throw new Error(`unknown command "${command}"\n\n${HELP}`);
  const config = loadTemporalConfig();
  const client = await connectClient(config);
  try {
    await run(client, config);
  } finally {
    await client.connection.close();
  }
});

function checkDate(value: string | undefined, flag: string): string {
  if (
    !value ||
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value
  ) {
    throw new Error(`${flag} "${value ?? ''}" must be an existing date YYYY-MM-DD`);
  }
  return value;
}

function today(): string {
  const problems: string[] = [];
  const zone = parseTimeZone(process.env, problems);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return dateIn(zone, new Date());
}

/** Starts (or joins) a workflow, follows it and prints its result. */
async function startAndFollow(
  client: Client,
  type: string,
  workflowId: string,
  taskQueue: string,
  input: unknown,
  follow: boolean,
): Promise<unknown> {
  try {
    await client.workflow.start(type, {
      workflowId,
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    console.log(`${type} ${workflowId} on ${taskQueue}`);
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    console.log(`${workflowId} already succeeded; its result:`);
  }
  const handle = client.workflow.getHandle(workflowId);
  if (follow) await followProgress(handle);
  return handle.result();
}

async function features(client: Client, config: TemporalConfig, values: Options): Promise<void> {
  const asOf = values['as-of'] ? checkDate(values['as-of'], '--as-of') : today();
  const restricted = Boolean(values.athlete?.length || values.full);
  // Only a plain daily run shares the day's id: a restricted or full run is a different computation.
  const workflowId = restricted ? `feature-pipeline-${asOf}-manual-${Date.now()}` : `feature-pipeline-${asOf}`;
  const input = {
    asOf,
    ...(values.athlete?.length && { athleteIds: values.athlete }),
    ...(values.full && { fullRecompute: true }),
  };
  printSummary(
    await startAndFollow(client, 'featurePipeline', workflowId, config.taskQueue, input, !values['no-follow']),
  );
}

async function start(client: Client, config: TemporalConfig, type: string | undefined, values: Options): Promise<void> {
  if (!type)
    throw new Error(
      'start needs a workflow type, e.g. npm run cli -- start batchInference --queue ml --input \'{"asOf": "2026-11-25"}\'',
    );
  let input: unknown = {};
  try {
    input = values.input ? JSON.parse(values.input) : {};
  } catch (error) {
    throw new Error(`--input is not JSON: ${(error as Error).message}`);
  }
  const workflowId = values.id ?? `${type}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  printSummary(
    await startAndFollow(client, type, workflowId, values.queue ?? config.taskQueue, input, !values['no-follow']),
  );
}

async function backfill(client: Client, config: TemporalConfig, values: Options): Promise<void> {
  const from = checkDate(values.from, '--from');
  const to = checkDate(values.to, '--to');
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  if (days < 1 || days > 3660)
    throw new Error(`--from ${from} --to ${to}: the range must hold 1 to 3660 days, oldest first`);
  for (let i = 0; i < days; i++) {
    const asOf = new Date(Date.parse(from) + i * 86_400_000).toISOString().slice(0, 10);
    const summary = (await startAndFollow(
      client,
      'featurePipeline',
      `feature-pipeline-${asOf}`,
      config.taskQueue,
      { asOf },
      false,
    )) as { athletesTouched?: number };
    console.log(`  ${asOf}: done, ${summary.athletesTouched ?? '?'} athletes`);
  }
}

async function runs(client: Client, values: Options): Promise<void> {
  const limit = Number(values.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`--limit "${values.limit}" must be a positive whole number`);
  if (values.type && !/^\w+$/.test(values.type))
    throw new Error(`--type "${values.type}" must be a workflow type name`);
  const list = client.workflow.list(values.type ? { query: `WorkflowType = '${values.type}'` } : {});
  const rows: Record<string, string>[] = [];
  for await (const run of list) {
    const seconds = run.closeTime ? (run.closeTime.getTime() - run.startTime.getTime()) / 1000 : undefined;
    rows.push({
      workflow: run.workflowId,
      type: run.type,
      status: run.status.name,
      started: run.startTime.toISOString(),
      seconds: seconds?.toFixed(1) ?? '(running)',
    });
    if (rows.length >= limit) break;
  }
  console.log(table(rows));
}

async function athlete(client: Client, config: TemporalConfig, athleteId: string | undefined): Promise<void> {
  if (!athleteId) throw new Error('athlete needs an athlete id: npm run cli -- athlete ATHLETE_ID');
  const result = (await client.workflow.execute('athleteFeatures', {
    taskQueue: config.taskQueue,
    workflowId: `athlete-features-${Date.now()}`,
    args: [{ athleteId }],
  })) as AthleteFeatures;
  for (const [name, row] of Object.entries({
    'latest rolling features': result.rolling,
    'latest week': result.weekly,
  })) {
    console.log(`\n${athleteId}: ${name}`);
    console.log(
      row
        ? table(Object.entries(row).map(([feature, value]) => ({ feature, value: String(value) })))
        : '(none yet: run the feature pipeline)',
    );
  }
  console.log(
    `\n${athleteId}: latest predictions${result.predictions[0] ? ` (batch inference as of ${result.predictions[0].as_of})` : ''}`,
  );
  console.log(
    result.predictions.length === 0
      ? '(none yet: ingest planned activities and run batchInference)'
      : table(
          result.predictions.map((p) => ({
            planned: p.planned_id,
            date: p.planned_date,
            sport: p.sport ?? '',
            distance_km: (p.distance_m / 1000).toFixed(1),
            predicted: duration(p.predicted_s),
            model_version: p.model_version,
          })),
        ),
  );
}

/** Seconds as h:mm:ss. */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

interface SplitMetrics {
  test?: { model?: { mae_s: number; rmse_s: number; mape_pct: number; rows: number }; baseline?: { mae_s: number } };
}

async function models(client: Client, config: TemporalConfig): Promise<void> {
  const overview = (await client.workflow.execute('modelOverview', {
    taskQueue: config.mlTaskQueue,
    workflowId: `model-overview-${Date.now()}`,
    args: [{}],
  })) as ModelOverview;
  console.log(`${overview.model}: champion ${overview.champion === null ? '(none)' : `v${overview.champion}`}\n`);
  console.log(
    overview.versions.length === 0
      ? '(no versions yet: run trainTimeEstimator)'
      : table(
          overview.versions.map((v) => {
            const test = (v.metrics as SplitMetrics).test;
            return {
              version: `v${v.version}${v.version === overview.champion ? ' *' : ''}`,
              created: v.createdAt,
              holdout_rows: test?.model?.rows ?? '',
              mae_s: test?.model?.mae_s.toFixed(1) ?? '',
              rmse_s: test?.model?.rmse_s.toFixed(1) ?? '',
              mape_pct: test?.model?.mape_pct.toFixed(1) ?? '',
              baseline_mae_s: test?.baseline?.mae_s.toFixed(1) ?? '',
              run: v.runId,
            };
          }),
        ),
  );
  console.log('\nchampion history (oldest first)');
  console.log(table(overview.championHistory.map(historyRow)));
}

function historyRow(h: AliasChange): Record<string, string> {
  return {
    changed: h.changedAt,
    action: h.action,
    from: h.fromVersion ? `v${h.fromVersion}` : '-',
    to: h.toVersion ? `v${h.toVersion}` : '-',
    by: h.changedBy,
    reason: h.reason,
  };
}

function parseVersion(value: string | undefined): number {
  if (!value || !/^[1-9]\d{0,9}$/.test(value))
    throw new Error(
      `promote needs a model version (a whole number from 1), got "${value ?? ''}": npm run cli -- promote 3`,
    );
  return Number(value);
}

async function promote(
  client: Client,
  config: TemporalConfig,
  change: { version: number } | { rollback: true },
  reason: string | undefined,
): Promise<void> {
  const result = (await client.workflow.execute('promoteModel', {
    taskQueue: config.mlTaskQueue,
    workflowId: `promote-model-${Date.now()}`,
    args: [{ ...change, ...(reason !== undefined && { reason }) }],
  })) as AliasChange;
  console.log(
    `champion: ${result.fromVersion ? `v${result.fromVersion}` : '(none)'} -> v${result.toVersion} (${result.action})`,
  );
  console.log(table([historyRow(result)]));
}

function printSummary(result: unknown): void {
  console.log(JSON.stringify(result, null, 2));
}
