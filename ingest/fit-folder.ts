import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClickHouse } from '../clickhouse/client.js';
import type { IngestFile } from './classify-files.js';
import type { FitDecoded, FitDecodeTask } from './fit-decode.js';
import { ingestFile, type IngestFileOptions } from './ingest-file.js';
import { addRejected, emptyOutcome, withStreams, type IngestOutcome } from './outcome.js';
import { writeRejects } from './rejects.js';
import { attemptBatch, checkBatchId, insertStagingTsv, promoteStagedSamples } from './streams.js';
import { SummaryIngester } from './summary-ingester.js';

/**
 * Files whose samples are staged and promoted together (one promotion instead of one per file). 16 rather
 * than 64: the promotion's memory in the engine grows with the upload (150 files of 2 h, 2 threads: peak RSS
 * 1,269 MB at 64, 938 MB at 16), and 16 already amortizes the statements.
 */
const BATCH_FILES = 16;
/**
 * Decode threads by default: a core is left to the main thread and the engine, at most two. Each thread holds
 * its own V8 heap and the SDK's decoded messages of a file (about 100-150 MB of RSS per thread measured), and on
 * 2 cores a second thread only competes with the promotion (150 files of 2 h, batches of 16: 1 thread 6.9 s and
 * 793 MB, 2 threads 12.6 s and 938 MB).
 */
export const DEFAULT_FIT_THREADS = Math.max(1, Math.min(os.availableParallelism() - 1, 2));

/**
 * Ingests many FIT files of one athlete (a device export) with the result of ingestFile on each file in
 * order, but faster: the files are decoded concurrently by a pool of worker threads (DEFAULT_FIT_THREADS; the
 * SDK decode is the CPU-bound part), at most a batch and two files per thread decoded ahead of the one being
 * stored (bounded memory: about 0.5 MB of staging text per hour of 1 Hz records), and the samples of up to BATCH_FILES files are staged and promoted as one upload. One upload
 * checks each activity's samples alone, as per-file uploads do, as long as no activity id appears twice in
 * it; a batch where one does is ingested file by file instead. Returns one outcome per file, in order.
 */
export async function ingestFitFiles(
  ch: ClickHouse,
  files: IngestFile[],
  options: IngestFileOptions & {
    athleteId: string;
    /** decode threads (DEFAULT_FIT_THREADS) */
    threads?: number;
    /** called once each file is decoded (files done so far, in order): per-file progress for heartbeats */
    onFileDecoded?: (files: number) => void;
    /** stops between files (the activity's cancellation: a worker shutting down); the threads end either way */
    signal?: AbortSignal;
  },
): Promise<IngestOutcome[]> {
  const attempt = options.attempt ?? 1;
  const stagedIdOf = (batch: number) => checkBatchId(`${options.batchId}-f${batch}-stage-a${attempt}`);
  const pool = new DecodePool(Math.max(1, Math.min(options.threads ?? DEFAULT_FIT_THREADS, files.length)));
  try {
    const decoded = pool.inOrder(
      files.map((file, i) => ({
        path: file.path,
        athleteId: options.athleteId,
        fileIndex: i % BATCH_FILES,
        stagedId: stagedIdOf(Math.floor(i / BATCH_FILES)),
      })),
      // the next batch decodes while this one is stored
      BATCH_FILES + 2 * pool.size,
    );
    const outcomes: IngestOutcome[] = [];
    for (let start = 0; start < files.length; start += BATCH_FILES) {
      const batch: FitDecoded[] = [];
      for (let i = start; i < Math.min(start + BATCH_FILES, files.length); i += 1) {
        options.signal?.throwIfAborted();
        batch.push(await decoded.next());
        options.onFileDecoded?.(i + 1);
      }
      const batchFiles = files.slice(start, start + batch.length);
      const batchOptions = { ...options, batchId: `${options.batchId}-f${start / BATCH_FILES}` };
      outcomes.push(
        ...(hasRepeatedActivity(batch)
          ? await oneByOne(ch, batchFiles, batchOptions)
          : await asOneUpload(ch, batch, { ...batchOptions, stagedId: stagedIdOf(start / BATCH_FILES) })),
      );
      options.onProgress(outcomes.reduce((n, o) => n + o.records, 0));
    }
    return outcomes;
  } finally {
    await pool.close();
  }
}

function hasRepeatedActivity(batch: FitDecoded[]): boolean {
  const ids = batch.flatMap((d) => (d.ok ? d.sessions.map((s) => String(s.fields.activity_id)) : []));
  return new Set(ids).size !== ids.length;
}

/** The rare batch with an activity id in two files: ingestFile on each, in order (each file its own upload). */
async function oneByOne(ch: ClickHouse, files: IngestFile[], options: IngestFileOptions): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  for (const [i, file] of files.entries())
    outcomes.push(await ingestFile(ch, file, { ...options, batchId: `${options.batchId}-${i}` }));
  return outcomes;
}

/** The batch's summaries file by file (as ingestFile stores them), then all its samples as one upload. */
async function asOneUpload(
  ch: ClickHouse,
  batch: FitDecoded[],
  options: IngestFileOptions & { stagedId: string },
): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = [];
  for (const decoded of batch) {
    const outcome = emptyOutcome(decoded.path, 'fit');
    outcomes.push(outcome);
    if (!decoded.ok) {
      await writeRejects(ch, outcome.source, [
        { locator: 'file', reason: decoded.reason, detail: decoded.detail, text: decoded.payload },
      ]);
      addRejected(outcome, { [decoded.reason]: 1 });
      continue;
    }
    const ingester = new SummaryIngester(ch, outcome, options.now, path.basename(decoded.path));
    for (const session of decoded.sessions)
      await ingester.add('activities', { ...session, text: JSON.stringify(session.fields) });
    await ingester.flush();
  }
  const attempt = options.attempt ?? 1;
  await attemptBatch(ch, `${options.batchId}-stage`, attempt);
  await insertStagingTsv(ch, batch.map((d) => (d.ok ? d.tsv : '')).join(''));
  const changesId = await attemptBatch(ch, `${options.batchId}-promote`, attempt);
  const promote = () =>
    promoteStagedSamples(ch, {
      stagedIds: [options.stagedId],
      sources: batch.map((d) => d.path),
      changesId,
      locatorPrefix: 'record ',
    });
  const streams = await (options.whilePromoting ? options.whilePromoting(promote) : promote());
  return outcomes.map((outcome, i) => {
    const decoded = batch[i]!;
    if (!decoded.ok) return outcome;
    outcome.records += decoded.samples;
    return withStreams(outcome, streams[i]!);
  });
}

/** Worker threads decoding FIT files (fit-decode-worker.ts), results handed back in file order. */
class DecodePool {
  private readonly idle: Worker[] = [];
  private readonly waiting: { task: FitDecodeTask; settle: (result: FitDecoded | Error) => void }[] = [];
  private readonly all: Worker[] = [];

  get size(): number {
    return this.all.length;
  }

  constructor(size: number) {
    const url = new URL('./fit-decode-worker.mjs', import.meta.url);
    for (let i = 0; i < size; i += 1) {
      const worker = new Worker(url);
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /**
   * Decodes the tasks, at most `ahead` beyond what the caller has taken: decoding goes on while the caller
   * stores a batch, and memory holds at most that many decoded files.
   */
  inOrder(tasks: FitDecodeTask[], ahead: number): { next(): Promise<FitDecoded> } {
    const results: Promise<FitDecoded>[] = [];
    const launch = (i: number) => {
      if (i >= tasks.length) return;
      results[i] = this.run(tasks[i]!);
      // awaited in order by next(); until then a failure must not count as unhandled
      results[i].catch(() => undefined);
    };
    for (let i = 0; i < ahead; i += 1) launch(i);
    let taken = 0;
    return {
      next: async () => {
        const result = await results[taken]!;
        delete results[taken];
        launch(taken + ahead);
        taken += 1;
        return result;
      },
    };
  }

  private run(task: FitDecodeTask): Promise<FitDecoded> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ task, settle: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.waiting.length > 0) {
      const worker = this.idle.pop()!;
      const { task, settle } = this.waiting.shift()!;
      const done = (result: FitDecoded | Error) => {
        worker.off('message', done);
        worker.off('error', done);
        this.idle.push(worker);
        settle(result);
        this.dispatch();
      };
      worker.on('message', done);
      worker.on('error', done);
      worker.postMessage(task);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }
}
