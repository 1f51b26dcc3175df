import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ClickHouse } from '../clickhouse/client.js';
import { INVALID_INPUT } from '../workflows/failures.js';
import { ingestFile as ingestOneFile } from '../ingest/ingest-file.js';
import type { IngestOutcome } from '../ingest/outcome.js';
import { IngestPlanError, planIngest as planFiles, type IngestFile } from '../ingest/plan.js';
import { ingestSyntheticSlice, type SyntheticSlice } from '../ingest/synthetic.js';


/** Bad input will not get better on retry: fail the workflow at once with the message. */
export function failFastOn<T>(errorClass: abstract new (...args: never[]) => Error, work: () => Promise<T>): Promise<T> {
  return work().catch((error: unknown) => {
    if (error instanceof errorClass) throw ApplicationFailure.nonRetryable(error.message, INVALID_INPUT);
    throw error;
  });
}

export function createIngestActivities(ch: ClickHouse) {
  return {
    async planIngest(paths: string[], athleteId?: string): Promise<IngestFile[]> {
      return failFastOn(IngestPlanError, async () => planFiles(paths, athleteId));
    },

    async ingestFile(input: { file: IngestFile; batchId: string; athleteId?: string }): Promise<IngestOutcome> {
      const context = Context.current();
      return failFastOn(IngestPlanError, () =>
        ingestOneFile(ch, input.file, {
          batchId: input.batchId,
          athleteId: input.athleteId,
          now: new Date(),
          onProgress: (records) => context.heartbeat({ file: input.file.path, records }),
        }),
      );
    },

    async ingestSynthetic(slice: SyntheticSlice): Promise<IngestOutcome> {
      const context = Context.current();
      return ingestSyntheticSlice(ch, slice, new Date(), (athletes) => context.heartbeat({ batch: slice.batchId, athletes }));
    },
  };
}
