import { parseArgs } from 'node:util';
import { machine } from './environment.js';
import { printTable, type BenchRow } from './report.js';
import { syntheticRows } from './ingest-synthetic.js';

/**
 * `npm run bench:ingest`: the synthetic population through `ingestActivities` (each run in a child process
 * of its own, so its peak RSS is its own), then the file rows, and one closing table with the engine's
 * limit beside each figure (bench/report.ts).
 */
const { values } = parseArgs({
  options: {
    athletes: { type: 'string', default: '1000' },
    days: { type: 'string', default: '730' },
    'stream-share': { type: 'string', default: '0.042' },
    'athletes-per-slice': { type: 'string', default: '25' },
    runs: { type: 'string', default: '3' },
  },
});

const rows: BenchRow[] = await syntheticRows({
  athletes: Number(values.athletes),
  days: Number(values.days),
  streamShare: Number(values['stream-share']),
  athletesPerSlice: Number(values['athletes-per-slice']),
  runs: Number(values.runs),
});
printTable(`== ingest benchmark, medians of ${values.runs} runs; ${machine()}`, rows);
