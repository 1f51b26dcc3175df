import { openClickHouse } from '../clickhouse/client.js';
import { migrate } from '../clickhouse/migrate.js';
import { loadConfig } from '../config/env.js';
import { connectWorker } from '../infra/temporal-connection.js';
import { runMain } from '../cli/run-main.js';
import { createWorker, mlTaskQueueOf } from './worker.js';

/** `npm run worker`: runs until SIGINT/SIGTERM, then drains gracefully. */
runMain(async () => {
  const config = loadConfig();
  const ch = openClickHouse(config.clickhouse);
  try {
    await migrate(ch);
    const connection = await connectWorker(config.temporal);
    const worker = await createWorker(connection, config.temporal, ch, config.features);
    console.log(`Worker polling task queue "${config.temporal.taskQueue}" (and "${mlTaskQueueOf(config.temporal)}" for ML) on ${config.temporal.address} (namespace ${config.temporal.namespace}).`);
    await worker.run();
    await connection.close();
  } finally {
    await ch.close();
  }
});
