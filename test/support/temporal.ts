import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath } from '../../infra/temporal-cli.js';

/** A real Temporal dev server (the CLI binary installed by infra/install-temporal-cli.sh), not the time-skipping fake. */
export function startTemporal(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCliPath() }, ip: '127.0.0.1' },
  });
}
