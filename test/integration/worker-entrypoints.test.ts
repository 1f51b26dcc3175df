/** The separate worker entrypoints poll only their own task queue; a server worker refuses an outdated schema. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prepareSchema } from '../../workers/migrations-check.js';
import { freshDatabase } from '../support/clickhouse.js';
import { devServerForFile } from '../support/temporal.js';
import { startWorkerProcess, type WorkerExit } from '../support/worker-process.js';

const server = devServerForFile();

describe('worker entrypoints', () => {
  for (const [entry, polls, not] of [
    ['feature.ts', 'features', 'ml'],
    ['ml.ts', 'ml', 'features'],
  ] as const) {
    it(`workers/${entry} polls only its queue and drains on SIGTERM`, async () => {
      const queue = `q-${randomUUID()}`;
      const dataPath = fs.mkdtempSync(path.join(os.tmpdir(), 'afs-entry-'));
      const child = await startWorkerProcess(
        {
          TEMPORAL_ADDRESS: server.env.address,
          TEMPORAL_NAMESPACE: server.env.namespace ?? 'default',
          TEMPORAL_TASK_QUEUE: `${queue}-features`,
          ML_TASK_QUEUE: `${queue}-ml`,
          CLICKHOUSE_URL: `chdb://${dataPath}`,
          LOG_LEVEL: 'WARN',
        },
        entry,
      );
      try {
        expect(child.output()).toContain(`Worker polling task queue "${queue}-${polls}"`);
        child.kill('SIGTERM');
        expect(await child.exited).toEqual<WorkerExit>({ code: 0, signal: null });
        expect(child.output()).not.toContain(`"${queue}-${not}"`);
      } finally {
        child.kill('SIGKILL');
        fs.rmSync(dataPath, { recursive: true, force: true });
      }
    });
  }
});

describe('migrations as a deploy step', () => {
  it('a worker on a server refuses a schema that lacks migrations, naming them and the command', async () => {
    const bare = await freshDatabase({ migrated: false });
    await expect(prepareSchema(bare, false)).rejects.toThrow(
      /lacks migration\(s\) 0001_raw_data, .*run `npm run migrate`/,
    );
    await expect(prepareSchema(await freshDatabase(), false)).resolves.toBeUndefined();
  });
});
