import type { AppConfig } from '../config/env.js';
import { declaredSchedules } from '../schedules/declared.js';
import { applyPlan, describePlan, planSchedules } from '../schedules/registrar.js';
import { loadScheduleSettings } from '../schedules/settings.js';
import { ensureBackgroundWorker, stopBackgroundWorker, workerLog } from '../infra/background-worker.js';
import { ensureDevServer, stopDevServer } from '../infra/dev-server.js';
import { connectClient } from '../infra/temporal-client.js';

/** The local product left running: dev server, the all-in-one worker in the background, the schedules applied. */
export async function startStack(config: AppConfig): Promise<void> {
  const server = await ensureDevServer(config);
  const worker = await ensureBackgroundWorker(config);
  console.log(
    `Worker ${worker.startedNow ? 'started' : 'already running'} (pid ${worker.pid}, log ${workerLog(config)}), ` +
      `task queues ${config.temporal.taskQueue} and ${config.temporal.mlTaskQueue}.`,
  );
  const settings = loadScheduleSettings();
  const client = await connectClient(config.temporal);
  try {
    const plan = await planSchedules(client, declaredSchedules(settings), settings.idPrefix);
    await applyPlan(client, plan);
    console.log(`Schedules (${settings.timeZone}):\n${describePlan(plan)}`);
  } finally {
    await client.connection.close();
  }
  console.log(
    `\nTemporal Web UI: ${server.uiUrl}  (Schedules: Trigger or Backfill one; Workflows → Start Workflow)\nStop everything with: npm run stack -- stop`,
  );
}

/** The worker first (it drains its in-flight activities), then the dev server. */
export async function stopStack(config: AppConfig): Promise<void> {
  console.log((await stopBackgroundWorker(config)) ? 'Worker stopped.' : 'No background worker was running.');
  console.log(
    stopDevServer(config) ? 'Temporal dev server stopped.' : 'No dev server started by this project is running.',
  );
}
