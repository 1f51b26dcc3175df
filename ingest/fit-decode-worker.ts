/**
 * A worker thread of the FIT folder ingest (fit-folder.ts): decodes one file at a time with the SDK (the
 * CPU-bound part) and hands back its sessions' activity records and its samples already written as
 * `stream_staging` TSV lines, so the main thread only concatenates text.
 */
import { parentPort } from 'node:worker_threads';
import { decodeFitFile, type FitDecodeTask } from './fit-decode.js';

parentPort!.on('message', (task: FitDecodeTask) => {
  parentPort!.postMessage(decodeFitFile(task));
});
