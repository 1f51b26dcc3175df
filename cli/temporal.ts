import { loadConfig } from '../config/env.js';
import { ensureDevServer, stopDevServer } from '../infra/dev-server.js';
import { runMain } from '../lib/run-main.js';

/** `npm run temporal` starts the local dev server in the background; `npm run temporal -- stop` stops it. */
runMain(async () => {
  const config = loadConfig();
  if (process.argv[2] === 'stop') {
    console.log(
      stopDevServer(config) ? 'Temporal dev server stopped.' : 'No dev server started by this project is running.',
    );
    return;
  }
  const server = await ensureDevServer(config);
  console.log(
    `${server.startedNow ? 'Started' : 'Already running:'} Temporal dev server at ${config.temporal.address}; Web UI ${server.uiUrl}`,
  );
});
