import { runMain } from '../lib/run-main.js';
import { runWorkers } from './start.js';

/**
 * `npm run worker`: the all-in-one worker, both task queues (feature-engineering and ml) in one process. The only
 * way with the embedded engine (one process per data path); with a ClickHouse server deploy the two apart.
 */
runMain(() => runWorkers(['features', 'ml']));
