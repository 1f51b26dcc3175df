import { NativeConnection } from '@temporalio/worker';
import type { TemporalConfig } from '../config/temporal.js';
import { connectionOptions, TemporalUnreachableError } from './temporal-client.js';

export { connectClient, TemporalUnreachableError } from './temporal-client.js';

export async function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect(connectionOptions(config));
  } catch (error) {
    throw new TemporalUnreachableError(config.address, error);
  }
}
