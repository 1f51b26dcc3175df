import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, Runtime } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import type { ClickHouse } from '../clickhouse/client.js';
import type { FeaturePipelineSummary } from '../workflows/index.js';
import type { benchEnvironment } from './environment.js';
import { compareTables } from './peer/compare.js';
import { exportParquet } from './peer/export.js';
import { PRODUCT_EXPORTS, RAW_EXPORTS } from './peer/export.sql.js';
import { runChild, runDuckDbPeer, type PeerRun } from './peer/run.js';
import { workflowsPath } from '../workers/worker.js';
import type { BenchRow } from './report.js';
import { median } from './stats.js';

type Bench = Awaited<ReturnType<typeof benchEnvironment>>;

/** What a full backfill writes: emptied between runs so that each run is a full backfill again. */
const FEATURE_TABLES = [
  'feature_scope',
  'pipeline_runs',
  'activity_features',
  'athlete_daily_features',
  'athlete_rolling_features',
  'athlete_weekly_features',
];

const childScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'backfill-child.ts');

interface BackfillRun {
  seconds: number;
  summary: FeaturePipelineSummary;
  peakRssMb: number;
  startupRssMb: number;
}

export interface BackfillOptions {
  asOf: string;
  runs: number;
  /** Judged against issue 11's targets only at its size (1,000 athletes × 730 days). */
  fullSize: boolean;
  label: string;
  /** DuckDB's memory_limit, e.g. '1.5GB'. */
  duckdbMemoryLimit: string;
}

/** The engine's limit on the same rows: a grouped scan of sum(power⁴) over activity_streams. */
async function groupedScanSeconds(ch: ClickHouse): Promise<number> {
  const started = performance.now();
  const result = await ch.client.query({
    query: `SELECT count() AS n, toString(sum(p)) AS s FROM (
      SELECT sum(pow(power_w, 4)) AS p FROM ${ch.db}.activity_streams GROUP BY athlete_id, activity_id)`,
    format: 'JSONEachRow',
  });
  await result.json();
  return (performance.now() - started) / 1000;
}

/** One product backfill in a child process (the engine is released to it meanwhile). */
async function productBackfill(bench: Bench, ch: ClickHouse, asOf: string, bundle: string): Promise<BackfillRun> {
  await bench.releaseEngine();
  try {
    const args = ['--path', bench.enginePath, '--database', ch.db, '--as-of', asOf, '--bundle', bundle];
    return await runChild<BackfillRun>(childScript, args);
  } finally {
    bench.resumeEngine();
  }
}

const steps = (s: Record<string, number>) =>
  Object.entries(s)
    .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
    .join(', ');

/**
 * Full backfills of the population in `ch`, alternated with the DuckDB peer on Parquet exports of the same raw
 * tables (exported once, timed separately), each in its own process; then the peer's rows are checked equal
 * to the product's (throws if any differ). Returns the closing table's rows.
 */
export async function benchBackfill(bench: Bench, ch: ClickHouse, samples: number, options: BackfillOptions) {
  const dir = path.join(bench.dataDir, 'peer');
  const exportSeconds = await exportParquet(ch, RAW_EXPORTS, path.join(dir, 'raw'));
  console.log(`raw tables exported to Parquet for the peer in ${exportSeconds.toFixed(1)} s (not timed below)`);
  const bundle = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundle, (await bundleWorkflowCode({ workflowsPath, logger: Runtime.instance().logger })).code);
  const product: BackfillRun[] = [];
  const peer: PeerRun[] = [];
  const limit: number[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    for (const table of FEATURE_TABLES) await ch.client.command({ query: `TRUNCATE TABLE ${ch.db}.${table}` });
    limit.push(await groupedScanSeconds(ch));
    const backfill = await productBackfill(bench, ch, options.asOf, bundle);
    product.push(backfill);
    console.log(
      `backfill run ${run + 1}: ${backfill.seconds.toFixed(2)} s (${steps(backfill.summary.secondsPerStep)}); ` +
        `peak RSS ${backfill.peakRssMb} MB (${backfill.startupRssMb} MB before the workflow started)`,
    );
    const duck = await runDuckDbPeer({
      raw: path.join(dir, 'raw'),
      out: path.join(dir, 'out'),
      asOf: options.asOf,
      memoryLimit: options.duckdbMemoryLimit,
      tempDir: path.join(dir, 'duckdb-tmp'),
    });
    peer.push(duck);
    console.log(
      `DuckDB peer run ${run + 1}: ${duck.seconds.toFixed(2)} s (${steps(duck.steps)}); peak RSS ${duck.peakRssMb} MB`,
    );
  }
  await exportParquet(ch, PRODUCT_EXPORTS, path.join(dir, 'product'));
  const comparison = await compareTables(path.join(dir, 'product'), path.join(dir, 'out'));
  for (const c of comparison) {
    const columns = Object.entries(c.byColumn).filter(([, n]) => n > 0);
    console.log(
      `peer vs product, ${c.table}: ${c.productRows} / ${c.peerRows} rows, ${c.mismatches} mismatches` +
        (columns.length ? ` (${columns.map(([k, n]) => `${k} ${n}`).join(', ')})` : ''),
    );
  }
  const mismatches = comparison.reduce((n, c) => n + c.mismatches, 0);
  if (mismatches > 0) throw new Error(`the DuckDB peer's rows differ from the product's: ${mismatches} mismatches`);

  const seconds = product.map((r) => r.seconds);
  const peerSeconds = peer.map((r) => r.seconds);
  // Median of the runs' peaks: the first run's child also pays for the engine's background merges of the
  // freshly ingested parts (its start-up peak is printed above).
  const rss = Math.round(median(product.map((r) => r.peakRssMb)));
  const peerRss = Math.round(median(peer.map((r) => r.peakRssMb)));
  const ratio = median(seconds) / median(peerSeconds);
  console.log(
    `product / DuckDB peer: ${ratio.toFixed(2)} (time), ${(rss / peerRss).toFixed(2)} (peak RSS); ` +
      `rows equal within 1e-6 on all ${comparison.reduce((n, c) => n + c.productRows, 0)} rows`,
  );
  const judged = (met: boolean) => (options.fullSize ? met : undefined);
  const scan = { what: 'grouped scan of sum(power⁴) over activity_streams', seconds: limit };
  const rows: BenchRow[] = [
    {
      measure: `full backfill, ${options.label} (own process)`,
      seconds,
      rows: samples,
      limit: scan,
      peakRssMb: rss,
      target: {
        text: '≤ 40 s, peak RSS ≤ 1.5 GB (1,000 athletes × 730 days)',
        met: judged(median(seconds) <= 40 && rss <= 1536),
      },
    },
    {
      measure: 'of which the activity step',
      seconds: product.map((r) => r.summary.secondsPerStep.activity ?? 0),
      rows: samples,
      limit: scan,
    },
    {
      measure: `DuckDB peer, same features from Parquet, 2 threads, memory_limit ${options.duckdbMemoryLimit} (own process)`,
      seconds: peerSeconds,
      rows: samples,
      limit: scan,
      peakRssMb: peerRss,
      target: {
        text: `product faster with less memory (product / peer: ${ratio.toFixed(2)} time, ${(rss / peerRss).toFixed(2)} RSS)`,
        met: ratio < 1 && rss < peerRss,
      },
    },
  ];
  return rows;
}
