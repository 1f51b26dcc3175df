import { describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../clickhouse/client.js';
import { freshDatabase } from '../support/clickhouse.js';
import {
  diffSnapshots,
  duplicateKeys,
  FEATURE_TABLES,
  readFeatureTables,
  type CellMismatch,
} from '../support/feature-tables.js';
import { runFeatures, upload } from '../support/feature-run.js';
import { buildRandomHistory, describeHistory, type RawHistory } from '../support/raw-history.js';

/** FEATURE_INVARIANT_SEEDS=n runs more sequences; FEATURE_INVARIANT_SEED=s runs one (to replay a failure). */
const SEEDS = process.env.FEATURE_INVARIANT_SEED
  ? [Number(process.env.FEATURE_INVARIANT_SEED)]
  : Array.from({ length: Number(process.env.FEATURE_INVARIANT_SEEDS ?? 30) }, (_, i) => 20_251_130 + i * 7919);

/** A third of the sequences fan out over two athlete buckets, the rest run as one (cheaper). */
const bucketsOf = (history: RawHistory) => (history.seed % 3 === 0 ? 2 : 1);

async function replay(ch: ClickHouse, history: RawHistory): Promise<void> {
  for (const action of history.actions) {
    if (action.kind === 'upload') await upload(ch, action.files);
    else await runFeatures(ch, action.run, bucketsOf(history));
  }
  await runFeatures(ch, { asOf: history.finalAsOf }, bucketsOf(history));
}

async function fullRecompute(ch: ClickHouse, history: RawHistory): Promise<void> {
  await upload(ch, history.finalFiles);
  await runFeatures(ch, { asOf: history.finalAsOf, fullRecompute: true });
}

function describeMismatches(mismatches: CellMismatch[], limit = 10): string {
  const byRow = new Map<string, string[]>();
  for (const m of mismatches) {
    const row = `${m.table} ${m.key}`;
    byRow.set(row, [
      ...(byRow.get(row) ?? []),
      `${m.column}: ${JSON.stringify(m.left)} (after the sequence) vs ${JSON.stringify(m.right)} (full)`,
    ]);
  }
  return [...byRow]
    .slice(0, limit)
    .map(([row, cells]) => `  ${row}: ${cells.join('; ')}`)
    .join('\n');
}

describe('feature tables after any sequence of uploads and runs equal a full recompute', () => {
  it(`for ${SEEDS.length} seeded sequences: late, corrected, moved and deleted activities, replaced streams, thresholds; runs forward, backward, repeated, restricted, full`, async () => {
    const failures: string[] = [];
    let rowsCompared = 0;
    for (const seed of SEEDS) {
      const history = buildRandomHistory(seed);
      const incremental = await freshDatabase();
      const full = await freshDatabase();
      try {
        await replay(incremental, history);
        await fullRecompute(full, history);
      } catch (error) {
        failures.push(`${describeHistory(history)}\nfailed: ${String(error)}`);
        continue;
      }
      const [after, expected] = [await readFeatureTables(incremental), await readFeatureTables(full)];
      const mismatches = diffSnapshots(after, expected);
      const duplicates = Object.values(await duplicateKeys(incremental)).reduce((a, b) => a + b, 0);
      if (mismatches.length > 0 || duplicates > 0) {
        failures.push(
          `${describeHistory(history)}\n${mismatches.length} cells differ, ${duplicates} duplicate keys:\n${describeMismatches(mismatches)}`,
        );
        // The seed of a failing sequence, to replay it alone with FEATURE_INVARIANT_SEED.
        console.error(`feature invariant failed for seed ${seed} (FEATURE_INVARIANT_SEED=${seed} replays it)`);
      }
      rowsCompared += FEATURE_TABLES.reduce((n, table) => n + expected[table].length, 0);
    }
    expect(failures.join('\n\n')).toBe('');
    // The comparison compared something: every sequence leaves rows in every table.
    expect(rowsCompared).toBeGreaterThan(SEEDS.length * 100);
  }, 900_000);
});
