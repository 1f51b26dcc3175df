import { openClickHouse } from '../clickhouse/client.js';
import { migrate } from '../clickhouse/migrate.js';
import { loadConfig } from '../config/env.js';
import { runMain } from '../lib/run-main.js';

/**
 * `npm run migrate`: applies the pending ClickHouse migrations, a deploy step of its own (workers on a server only
 * check that the schema is current). With the embedded engine the worker, the demo and the commands run them for you.
 */
runMain(async () => {
  const config = loadConfig();
  const ch = openClickHouse(config.clickhouse);
  try {
    const cluster = config.clickhouse.kind === 'server' ? config.clickhouse.cluster : undefined;
    const applied = await migrate(ch, undefined, { cluster });
    console.log(
      `${applied.length > 0 ? `Applied ${applied.join(', ')} to ${ch.db}` : `${ch.db} is up to date`}${cluster ? ` on cluster ${cluster}` : ''}.`,
    );
  } finally {
    await ch.close();
  }
});
