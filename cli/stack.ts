import { loadConfig } from '../config/env.js';
import { startStack, stopStack } from './stack-control.js';
import { runMain } from '../lib/run-main.js';

/**
 * `npm run stack`: the Temporal dev server, the all-in-one worker in the background and the schedules applied, left
 * running. `npm run stack -- stop` stops the worker (it drains) and the dev server.
 */
runMain(async () => {
  const config = loadConfig();
  if (process.argv[2] === 'stop') await stopStack(config);
  else await startStack(config);
});
