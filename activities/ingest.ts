import { Context } from '@temporalio/activity';
import type { ClickHouse } from '../clickhouse/client.js';
import { failFastOn } from '../shared/failures.js';
import {
  ingestFile as ingestOneFile,
  promoteStreamUpload,
  stageStreamFile as stageOneStreamFile,
  type StagedStreamFile,
} from '../ingest/ingest-file.js';
import type { IngestOutcome } from '../ingest/outcome.js';
import { IngestPlanError, planIngest as planFiles, type IngestFile } from '../ingest/classify-files.js';
import { ingestFitFiles as ingestFitFolder } from '../ingest/fit-folder.js';
import { ingestSyntheticSlice, type SyntheticSlice } from '../ingest/synthetic.js';
import { whileHeartbeating } from './heartbeat.js';

/** The attempt (each stages into scratch partitions of its own) and a heartbeat while promoting, which may wait for another ingest. */
function attemptOptions(progress: Record<string, unknown>) {
  return {
    attempt: Context.current().info.attempt,
    whilePromoting: <T>(work: () => Promise<T>) => whileHeartbeating({ ...progress, phase: 'promote' }, work),
  };
}

export function createIngestActivities(ch: ClickHouse) {
  const fileOptions = (input: { file: IngestFile; batchId: string; athleteId?: string }) => {
    const context = Context.current();
    return {
      batchId: input.batchId,
      athleteId: input.athleteId,
      now: new Date(),
      onProgress: (records: number) => context.heartbeat({ file: input.file.path, records }),
      ...attemptOptions({ file: input.file.path }),
    };
  };
  return {
    async planIngest(paths: string[], athleteId?: string): Promise<IngestFile[]> {
      return failFastOn(IngestPlanError, async () => planFiles(paths, athleteId));
    },

    async ingestFile(input: { file: IngestFile; batchId: string; athleteId?: string }): Promise<IngestOutcome> {
      return failFastOn(IngestPlanError, () => ingestOneFile(ch, input.file, fileOptions(input)));
    },

    /** One stream file of an upload: read, field checks, staged; promoteStreams stores the upload's streams. */
    async stageStreamFile(input: { file: IngestFile; batchId: string; fileIndex: number }): Promise<StagedStreamFile> {
      return failFastOn(IngestPlanError, () => stageOneStreamFile(ch, input.file, input.fileIndex, fileOptions(input)));
    },

    async promoteStreams(input: { batchId: string; staged: StagedStreamFile[] }): Promise<IngestOutcome[]> {
      return promoteStreamUpload(ch, input.staged, {
        batchId: input.batchId,
        ...attemptOptions({ batch: input.batchId }),
      });
    },

    /**
     * A batch of an upload's FIT files, decoded concurrently by worker threads (ingestFitFiles): one outcome per
     * file, as ingestFile gives it. A retry stages into partitions of its own attempt and promotes by the same
     * protocol as stream files, so it writes the same rows; the threads end with the activity, whatever its end.
     */
    async ingestFitFiles(input: {
      files: IngestFile[];
      batchId: string;
      athleteId?: string;
    }): Promise<IngestOutcome[]> {
      const context = Context.current();
      const { athleteId } = input;
      return failFastOn(IngestPlanError, async () => {
        if (!athleteId)
          throw new IngestPlanError(
            `${input.files.length} FIT files do not name their athlete: pass athleteId (npm run ingest -- --athlete ID FILE)`,
          );
        return ingestFitFolder(ch, input.files, {
          batchId: input.batchId,
          athleteId,
          now: new Date(),
          onProgress: (records) => context.heartbeat({ batch: input.batchId, records }),
          onFileDecoded: (files) =>
            context.heartbeat({
              batch: input.batchId,
              files,
              of: input.files.length,
              file: input.files[files - 1]?.path,
            }),
          signal: context.cancellationSignal,
          ...attemptOptions({ batch: input.batchId }),
        });
      });
    },

    async ingestSynthetic(slice: SyntheticSlice): Promise<IngestOutcome> {
      const context = Context.current();
      const { attempt, whilePromoting } = attemptOptions({ batch: slice.batchId });
      return ingestSyntheticSlice(
        ch,
        slice,
        new Date(),
        (athletes) => context.heartbeat({ batch: slice.batchId, athletes }),
        attempt,
        whilePromoting,
      );
    },
  };
}
