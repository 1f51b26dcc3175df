import type { Metrics } from './metrics.js';

export interface GateInput {
  candidate: Metrics;
  baseline: Metrics;
  /** the current champion on the same hold-out; absent when there is none */
  champion?: { version: number; metrics: Metrics };
  /** why the champion could not be scored on this hold-out (then the gate fails) */
  championUnscorable?: string;
  /** relative MAE improvement required over the baseline and the champion, e.g. 0.02 = 2 % lower */
  margin: number;
}

export interface GateDecision {
  passed: boolean;
  reasons: string[];
}

const beats = (mae: number, other: number, margin: number) => Number.isFinite(mae) && mae <= other * (1 - margin);

/** The promotion gate: hold-out MAE must beat the naive baseline and the current champion by the margin. */
export function promotionGate(input: GateInput): GateDecision {
  const pct = `${(input.margin * 100).toFixed(1)} %`;
  const m = input.candidate.mae_s.toFixed(1);
  const reasons: string[] = [];
  let passed = true;
  if (beats(input.candidate.mae_s, input.baseline.mae_s, input.margin))
    reasons.push(`MAE ${m} s beats the baseline's ${input.baseline.mae_s.toFixed(1)} s by ≥ ${pct}`);
  else {
    passed = false;
    reasons.push(`MAE ${m} s does not beat the baseline's ${input.baseline.mae_s.toFixed(1)} s by ${pct}`);
  }
  if (input.championUnscorable) {
    passed = false;
    reasons.push(input.championUnscorable);
  } else if (input.champion) {
    const c = input.champion;
    const ok = beats(input.candidate.mae_s, c.metrics.mae_s, input.margin);
    passed &&= ok;
    reasons.push(
      `MAE ${m} s ${ok ? 'beats' : 'does not beat'} champion v${c.version}'s ${c.metrics.mae_s.toFixed(1)} s ${ok ? 'by ≥' : 'by'} ${pct}`,
    );
  } else reasons.push('no champion yet');
  return { passed, reasons };
}
