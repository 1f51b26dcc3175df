import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow/index.js';
import type { TemporalConfig } from '../config/temporal.js';

export type ConnectionOptions = { address: string; tls?: TLSConfig | boolean; apiKey?: string };

/** TLS and API key as a Temporal cluster or Temporal Cloud wants them; nothing for a local dev server. */
export function connectionOptions(config: TemporalConfig): ConnectionOptions {
  const options: ConnectionOptions = { address: config.address };
  if (config.tls) {
    options.tls = {
      clientCertPair: {
        crt: readFile(config.tls.certPath, 'TEMPORAL_TLS_CERT'),
        key: readFile(config.tls.keyPath, 'TEMPORAL_TLS_KEY'),
      },
    };
  } else if (config.apiKey) {
    options.tls = true;
    options.apiKey = config.apiKey;
  }
  return options;
}

function readFile(file: string, variable: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new Error(`${variable}: cannot read ${file}: ${(error as Error).message}`);
  }
}

export class TemporalUnreachableError extends Error {
  constructor(address: string, cause: unknown) {
    super(
      `No Temporal server answers at ${address} (${cause instanceof Error ? cause.message : String(cause)}). ` +
        'Start the local dev server with `npm run temporal`, or set TEMPORAL_ADDRESS (and TLS/API key) for your cluster.',
    );
    this.name = 'TemporalUnreachableError';
  }
}

/** A client only (no worker code): what the registrar and the CLI use. */
export async function connectClient(config: TemporalConfig): Promise<Client> {
  try {
    const connection = await Connection.connect({ ...connectionOptions(config), connectTimeout: '5s' });
    return new Client({ connection, namespace: config.namespace });
  } catch (error) {
    throw new TemporalUnreachableError(config.address, error);
  }
}
