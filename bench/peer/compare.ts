import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Checks the peer's tables equal to the product's, row by row (both as Parquet, compared in DuckDB): every key on
 * both sides, equal categories and counts, and every number within 1e-6 (absolute below 1, relative above:
 * |product − peer| ≤ 1e-6 · max(1, |product|)), NULL exactly where the other side is NULL.
 */
interface TableCheck {
  keys: string[];
  /** Compared exactly (categories, dates, counts). */
  exact: string[];
  /** Compared within the tolerance. */
  numeric: string[];
}

const ZONES = ['below_z1_s', 'z1_s', 'z2_s', 'z3_s', 'z4_s', 'z5_s'];

export const CHECKS: Record<string, TableCheck> = {
  activity: {
    keys: ['athlete_id', 'activity_id'],
    exact: ['local_date', 'sport', 'tss_method'],
    numeric: [
      'avg_hr_bpm',
      'avg_power_w',
      'np_w',
      'peak_5min_power_w',
      'peak_20min_power_w',
      'normalized_speed_mps',
      'intensity_factor',
      'tss',
      'hr_covered_s',
      ...ZONES,
    ],
  },
  daily: { keys: ['athlete_id', 'date'], exact: ['moving_time_s', 'activity_count'], numeric: ['load', 'distance_m'] },
  rolling: {
    keys: ['athlete_id', 'as_of_date'],
    exact: ['history_days'],
    numeric: ['ctl', 'atl', 'tsb', 'load_7d', 'load_28d', 'monotony', 'strain'],
  },
  weekly: {
    keys: ['athlete_id', 'week_start'],
    exact: ['spine_days', 'session_count'],
    numeric: ['load', 'monotony', 'strain', ...ZONES.slice(1)],
  },
};

export const TOLERANCE = 1e-6;

const differs = {
  exact: (c: string) => `p.${c} IS DISTINCT FROM q.${c}`,
  numeric: (c: string) =>
    `(p.${c} IS NULL) <> (q.${c} IS NULL) OR abs(p.${c}::DOUBLE - q.${c}::DOUBLE) > ${TOLERANCE} * greatest(1, abs(p.${c}::DOUBLE))`,
};

export interface TableComparison {
  table: string;
  productRows: number;
  peerRows: number;
  /** Rows on one side only, or with any column out of tolerance. */
  mismatches: number;
  /** Per column: rows where that column differs (keys present on both sides). */
  byColumn: Record<string, number>;
}

const quote = (path: string) => `'${path.replaceAll("'", "''")}'`;

function comparisonSql(check: TableCheck, product: string, peer: string): string {
  const on = check.keys.map((k) => `p.${k} = q.${k}`).join(' AND ');
  const columns = [
    ...check.exact.map((c) => [c, differs.exact(c)] as const),
    ...check.numeric.map((c) => [c, differs.numeric(c)] as const),
  ];
  const oneSide = `p.${check.keys[0]} IS NULL OR q.${check.keys[0]} IS NULL`;
  return `SELECT
    count(p.${check.keys[0]})::INTEGER AS product_rows, count(q.${check.keys[0]})::INTEGER AS peer_rows,
    count(*) FILTER (WHERE ${oneSide} OR ${columns.map(([, d]) => `(${d})`).join(' OR ')})::INTEGER AS mismatches,
    ${columns.map(([c, d]) => `count(*) FILTER (WHERE NOT (${oneSide}) AND (${d}))::INTEGER AS "${c}"`).join(',\n    ')}
  FROM read_parquet(${quote(product)}) AS p FULL OUTER JOIN read_parquet(${quote(peer)}) AS q ON ${on}`;
}

/** Compares each table `<name>.parquet` of the product's folder with the peer's. */
export async function compareTables(productDir: string, peerDir: string): Promise<TableComparison[]> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  const results: TableComparison[] = [];
  for (const [table, check] of Object.entries(CHECKS)) {
    const sql = comparisonSql(check, `${productDir}/${table}.parquet`, `${peerDir}/${table}.parquet`);
    const [row] = (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, number>>;
    const { product_rows, peer_rows, mismatches, ...byColumn } = row!;
    results.push({ table, productRows: product_rows!, peerRows: peer_rows!, mismatches: mismatches!, byColumn });
  }
  connection.closeSync();
  return results;
}
