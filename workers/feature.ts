import { runMain } from '../lib/run-main.js';
import { runWorkers } from './start.js';

/** `npm run worker:features`: the feature worker (task queue TEMPORAL_TASK_QUEUE, default feature-engineering). */
runMain(() => runWorkers(['features']));
