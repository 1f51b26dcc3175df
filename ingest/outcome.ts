import type { RecordKind } from './classify-files.js';
import type { RejectReason } from '../shared/records.js';
import type { StreamOutcome } from './streams.js';

/** What one source (a file, or a slice of the synthetic population) contributed. */
export interface IngestOutcome {
  source: string;
  kind: RecordKind | 'synthetic';
  records: number;
  inserted: number;
  unchanged: number;
  rejected: Partial<Record<RejectReason, number>>;
}

export function emptyOutcome(source: string, kind: IngestOutcome['kind']): IngestOutcome {
  return { source, kind, records: 0, inserted: 0, unchanged: 0, rejected: {} };
}

export function addRejected(outcome: IngestOutcome, rejected: Partial<Record<RejectReason, number>>): void {
  for (const [reason, n] of Object.entries(rejected) as [RejectReason, number][]) {
    outcome.rejected[reason] = (outcome.rejected[reason] ?? 0) + n;
  }
}

export function totalRejected(outcome: Pick<IngestOutcome, 'rejected'>): number {
  return Object.values(outcome.rejected).reduce((a, b) => a + (b ?? 0), 0);
}

/** Adds what the promotion of a source's staged samples stored and rejected. */
export function withStreams(outcome: IngestOutcome, streams: StreamOutcome): IngestOutcome {
  outcome.inserted += streams.inserted;
  outcome.unchanged += streams.unchanged;
  addRejected(outcome, streams.rejected);
  return outcome;
}
