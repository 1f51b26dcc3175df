import { parseArgs } from 'node:util';
import { connectClient } from '../infra/temporal-client.js';
import { declaredSchedules } from './declared.js';
import { applyPlan, describePlan, planSchedules } from './registrar.js';
import { loadScheduleSettings } from './settings.js';

const usage = `usage: npm run schedules:apply [-- --dry-run]

Creates the declared schedules that are missing, updates those that changed, deletes the ones it owns
(id prefix SCHEDULE_ID_PREFIX and its memo) that are no longer declared, and leaves every other schedule alone.
--dry-run prints the plan without changing anything. Reads only Temporal settings and the schedule settings
(PIPELINE_TIME_ZONE, FEATURE_SCHEDULE_TIME, INFERENCE_SCHEDULE_TIME, TRAINING_SCHEDULE, INGEST_INBOX, INBOX_SCHEDULE_TIME).`;

/** `npm run schedules:apply`: the registrar, a deployable of its own (a one-shot job in infra/docker-compose.yml). */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return void console.log(usage);
  const settings = loadScheduleSettings();
  const client = await connectClient(settings.temporal);
  try {
    const plan = await planSchedules(client, declaredSchedules(settings), settings.idPrefix);
    console.log(describePlan(plan));
    if (values['dry-run']) return void console.log('\n(dry run: nothing changed)');
    await applyPlan(client, plan);
    const changed = plan.filter((s) => s.op === 'create' || s.op === 'update' || s.op === 'delete').length;
    console.log(`\n${changed} change(s) applied in namespace ${settings.temporal.namespace}.`);
  } finally {
    await client.connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
