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
import { polarsAvailable, runChild, runDuckDbPeer, runPolarsPeer, type PeerRun } from './peer/run.js';
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
  'athlete_feature_state',
  'athlete_feature_starts',
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
  /** Run the DuckDB peer (and check its rows) after each run's backfills. */
  peer: boolean;
  /** Run the Polars peer too, when python3 can import polars. */
  polars: boolean;
  /** FEATURE_BUCKETS of each backfill variant, alternated within each run. */
  bucketVariants: number[];
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
async function productBackfill(bench: Bench, ch: ClickHouse, asOf: string, bundle: string, buckets: number) {
  await bench.releaseEngine();
  try {
    const args = ['--path', bench.enginePath, '--database', ch.db, '--as-of', asOf, '--bundle', bundle];
    return await runChild<BackfillRun>(childScript, args, { FEATURE_BUCKETS: String(buckets) });
  } finally {
    bench.resumeEngine();
  }
}

const steps = (s: Record<string, number>) =>
  Object.entries(s)
    .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
    .join(', ');

/** A peer's rows (written into `<dir>/<name>`) against the product's exported tables; throws if any differ. */
async function checkPeer(dir: string, name: string): Promise<void> {
  const comparison = await compareTables(path.join(dir, 'product'), path.join(dir, name));
  for (const c of comparison) {
    const columns = Object.entries(c.byColumn).filter(([, n]) => n > 0);
    console.log(
      `${name} vs product, ${c.table}: ${c.productRows} / ${c.peerRows} rows, ${c.mismatches} mismatches` +
        (columns.length ? ` (${columns.map(([k, n]) => `${k} ${n}`).join(', ')})` : ''),
    );
  }
  const mismatches = comparison.reduce((n, c) => n + c.mismatches, 0);
  if (mismatches > 0) throw new Error(`the ${name} peer's rows differ from the product's: ${mismatches} mismatches`);
  console.log(
    `${name} rows equal to the product's within 1e-6: ${comparison.reduce((n, c) => n + c.productRows, 0)} rows`,
  );
}

/**
 * Full backfills of the population in `ch`, each bucket-count variant in turn within each run, alternated with the
 * peers (DuckDB; Polars when python3 can import it) on Parquet exports of the same raw tables (exported once, timed
 * separately), each in its own process; then each peer's rows are checked equal to the product's (throws if any
 * differ). Returns the closing table's rows.
 */
export async function benchBackfill(bench: Bench, ch: ClickHouse, samples: number, options: BackfillOptions) {
  const dir = path.join(bench.dataDir, 'peer');
  if (options.peer) {
    const exportSeconds = await exportParquet(ch, RAW_EXPORTS, path.join(dir, 'raw'));
    console.log(`raw tables exported to Parquet for the peer in ${exportSeconds.toFixed(1)} s (not timed below)`);
  }
  const bundle = path.join(dir, 'workflow-bundle.js');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(bundle, (await bundleWorkflowCode({ workflowsPath, logger: Runtime.instance().logger })).code);
  const product = new Map<number, BackfillRun[]>(options.bucketVariants.map((b) => [b, []]));
  const peers = new Map<string, PeerRun[]>(options.peer ? [['DuckDB', []]] : []);
  if (options.peer && options.polars && polarsAvailable()) peers.set('Polars', []);
  else if (options.peer && options.polars)
    console.log('Polars peer skipped: python3 cannot import polars (`pip install polars`).');
  const raw = path.join(dir, 'raw');
  const limit: number[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    limit.push(await groupedScanSeconds(ch));
    for (const buckets of options.bucketVariants) {
      for (const table of FEATURE_TABLES) await ch.client.command({ query: `TRUNCATE TABLE ${ch.db}.${table}` });
      const backfill = await productBackfill(bench, ch, options.asOf, bundle, buckets);
      product.get(buckets)!.push(backfill);
      console.log(
        `backfill run ${run + 1}, ${buckets} buckets: ${backfill.seconds.toFixed(2)} s (${steps(backfill.summary.secondsPerStep)}); ` +
          `peak RSS ${backfill.peakRssMb} MB (${backfill.startupRssMb} MB before the workflow started)`,
      );
    }
    for (const [name, runs] of peers) {
      const out = path.join(dir, name);
      const memoryLimit = options.duckdbMemoryLimit;
      const result = await (
        name === 'DuckDB'
          ? runDuckDbPeer({ raw, out, asOf: options.asOf, memoryLimit, tempDir: path.join(dir, 'duckdb-tmp') })
          : runPolarsPeer({ raw, out, asOf: options.asOf })
      ).catch((error: unknown) => {
        // A peer that cannot run at this size (Polars is killed for memory at 1,000 athletes on 24 GiB) is a
        // finding to print, not a reason to lose the product's figures.
        const { signal, message } = error as { signal?: string; message?: string };
        console.log(
          `${name} peer run ${run + 1} failed (${signal ?? message?.split('\n')[0]}): dropped from this benchmark`,
        );
        peers.delete(name);
      });
      if (!result) continue;
      runs.push(result);
      console.log(
        `${name} peer run ${run + 1}: ${result.seconds.toFixed(2)} s (${steps(result.steps)}); peak RSS ${result.peakRssMb} MB`,
      );
    }
  }
  if (peers.size > 0) await exportParquet(ch, PRODUCT_EXPORTS, path.join(dir, 'product'));
  for (const name of peers.keys()) await checkPeer(dir, name);
  return closingRows(options, samples, product, peers, limit);
}

// Median of the runs' peaks: the first run's child also pays for the engine's background merges of the freshly
// ingested parts (its start-up peak is printed above).
const medianRss = (runs: Array<{ peakRssMb: number }>) => Math.round(median(runs.map((r) => r.peakRssMb)));

function closingRows(
  options: BackfillOptions,
  samples: number,
  product: Map<number, BackfillRun[]>,
  peers: Map<string, PeerRun[]>,
  limit: number[],
): BenchRow[] {
  const judged = (met: boolean) => (options.fullSize ? met : undefined);
  const scan = { what: 'grouped scan of sum(power⁴) over activity_streams', seconds: limit };
  const rows: BenchRow[] = [];
  for (const [buckets, runs] of product) {
    const seconds = runs.map((r) => r.seconds);
    const rss = medianRss(runs);
    rows.push(
      {
        measure: `full backfill, ${options.label}, FEATURE_BUCKETS=${buckets} (own process)`,
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
        seconds: runs.map((r) => r.summary.secondsPerStep.activity ?? 0),
        rows: samples,
        limit: scan,
      },
    );
    for (const [name, peer] of peers) {
      const ratio = median(seconds) / median(peer.map((r) => r.seconds));
      const rssRatio = rss / medianRss(peer);
      console.log(
        `FEATURE_BUCKETS=${buckets}: product / ${name} peer ${ratio.toFixed(2)} (time), ${rssRatio.toFixed(2)} (peak RSS)`,
      );
    }
  }
  const [buckets, runs] = [...product][0]!;
  for (const [name, peer] of peers) {
    const ratio = median(runs.map((r) => r.seconds)) / median(peer.map((r) => r.seconds));
    const rssRatio = medianRss(runs) / medianRss(peer);
    const how = name === 'DuckDB' ? `2 threads, memory_limit ${options.duckdbMemoryLimit}` : 'POLARS_MAX_THREADS=2';
    rows.push({
      measure: `${name} peer, same features from Parquet, ${how} (own process)`,
      seconds: peer.map((r) => r.seconds),
      rows: samples,
      limit: scan,
      peakRssMb: medianRss(peer),
      target: {
        text: `product (FEATURE_BUCKETS=${buckets}) faster with less memory: product / peer ${ratio.toFixed(2)} time, ${rssRatio.toFixed(2)} RSS`,
        met: ratio < 1 && rssRatio < 1,
      },
    });
  }
  return rows;
}
