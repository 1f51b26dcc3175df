import { runMain } from '../lib/run-main.js';
import { runWorkers } from './start.js';

/** `npm run worker:ml`: the ML worker (task queue ML_TASK_QUEUE, default ml). */
runMain(() => runWorkers(['ml']));
