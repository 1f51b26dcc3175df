import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll } from 'vitest';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { temporalCliPath } from '../../infra/temporal-cli.js';

/** A real Temporal dev server (the CLI binary installed by infra/install-temporal-cli.sh), not the time-skipping fake. */
export function startTemporal(): Promise<TestWorkflowEnvironment> {
  quietWorkers();
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCliPath() }, ip: '127.0.0.1' },
  });
}

/** Worker lifecycle logs drown test output; warnings and errors still show. Once per process. */
function quietWorkers(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this process.
  }
}

/** A dev server for the test file: started before its tests, torn down after them. `server.env` is set in beforeAll. */
export function devServerForFile(): { readonly env: TestWorkflowEnvironment } {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await startTemporal();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  return {
    get env() {
      if (!env) throw new Error('the dev server starts in beforeAll');
      return env;
    },
  };
}
