import { parseArgs } from 'node:util';
import { machine } from './environment.js';
import { printTable, type BenchRow } from './report.js';
import { ingestFileRows } from './ingest-files.js';
import { syntheticRows } from './ingest-synthetic.js';

/**
 * `npm run bench:ingest`: the synthetic population through `ingestActivities` (each run in a child process
 * of its own, so its peak RSS is its own), then the file rows (CSV, NDJSON, a FIT folder through `ingestActivities`
 * beside the FIT SDK's bare decode: bench/ingest-files.ts),
 * and one closing table with the engine's limit beside each figure (bench/report.ts).
 * `--athletes 0` leaves the synthetic rows out, `--csv-samples 0 --fit-files 0` the file rows.
 */
const { values } = parseArgs({
  options: {
    athletes: { type: 'string', default: '1000' },
    days: { type: 'string', default: '730' },
    'stream-share': { type: 'string', default: '0.042' },
    'athletes-per-slice': { type: 'string', default: '25' },
    'csv-samples': { type: 'string', default: '2000000' },
    'fit-files': { type: 'string', default: '1000' },
    'fit-seconds': { type: 'string', default: '7200' },
    flatness: { type: 'string', default: 'yes' },
    runs: { type: 'string', default: '3' },
  },
});
const runs = Number(values.runs);

const rows: BenchRow[] = [];
if (Number(values.athletes) > 0)
  rows.push(
    ...(await syntheticRows({
      athletes: Number(values.athletes),
      days: Number(values.days),
      streamShare: Number(values['stream-share']),
      athletesPerSlice: Number(values['athletes-per-slice']),
      runs,
    })),
  );
rows.push(
  ...(await ingestFileRows({
    samples: Number(values['csv-samples']),
    runs,
    fitFiles: Number(values['fit-files']),
    fitSeconds: Number(values['fit-seconds']),
    flatness: values.flatness !== 'no',
  })),
);
printTable(`== ingest benchmark, medians of ${runs} runs; ${machine()}`, rows);
