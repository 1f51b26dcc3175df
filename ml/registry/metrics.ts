/** Regression metrics of predicted vs actual moving time. MAE and RMSE in seconds, MAPE in percent. */
export interface Metrics {
  rows: number;
  mae_s: number;
  rmse_s: number;
  mape_pct: number;
}

export function regressionMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): Metrics {
  let abs = 0;
  let sq = 0;
  let pct = 0;
  let pctRows = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = predicted[i]! - actual[i]!;
    abs += Math.abs(err);
    sq += err * err;
    if (actual[i]! > 0) {
      pct += Math.abs(err) / actual[i]!;
      pctRows += 1;
    }
  }
  const n = actual.length;
  return {
    rows: n,
    mae_s: n ? abs / n : NaN,
    rmse_s: n ? Math.sqrt(sq / n) : NaN,
    mape_pct: pctRows ? (100 * pct) / pctRows : NaN,
  };
}

/** Model and baseline per split, as runs and versions record them. */
export type SplitMetrics = Record<'train' | 'valid' | 'test', { model: Metrics; baseline: Metrics }>;
