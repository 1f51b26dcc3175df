import type { ClickHouse } from '../clickhouse/client.js';
import type { SourceRecord } from './readers/text.js';
import { writeRejects, type Rejected } from './rejects.js';
import { addRejected, type IngestOutcome } from './outcome.js';
import { exclusively } from './write-lock.js';
import { loadAthleteZones, upsertSummaries, type Located, type SummaryTable } from './summaries.js';
import { validatePlanned } from './validate-planned.js';
import {
  validateActivity,
  validateAthlete,
  validateThreshold,
  type Checked,
  type ValidationContext,
} from './validate.js';

export type SummaryKind = 'athletes' | 'thresholds' | 'activities' | 'planned';

const TABLE: Record<SummaryKind, SummaryTable> = {
  athletes: 'athletes',
  thresholds: 'athlete_thresholds',
  activities: 'activities',
  planned: 'planned_activities',
};
const FLUSH_ORDER: SummaryKind[] = ['athletes', 'thresholds', 'activities', 'planned'];
const BATCH_SIZE = 5_000;

/**
 * Validates and stores summary records (athletes, thresholds, activities) in batches: bounded memory,
 * one lookup of stored versions per batch, rejects quarantined with their raw text.
 */
export class SummaryIngester {
  private readonly buffers: Record<SummaryKind, SourceRecord[]> = {
    athletes: [],
    thresholds: [],
    activities: [],
    planned: [],
  };
  private readonly seen: Record<SummaryKind, Map<string, string>> = {
    athletes: new Map(),
    thresholds: new Map(),
    activities: new Map(),
    planned: new Map(),
  };
  private readonly ctx: ValidationContext & { athletes: Map<string, string> };

  constructor(
    private readonly ch: ClickHouse,
    private readonly outcome: IngestOutcome,
    now: Date,
    /** what an activity's `source` column says it came from (the file's name, as always stored) */
    private readonly recordSource = outcome.source,
  ) {
    this.ctx = { athletes: new Map(), now };
  }

  async add(kind: SummaryKind, record: SourceRecord): Promise<void> {
    this.outcome.records += 1;
    this.buffers[kind].push(record);
    if (this.buffers[kind].length >= BATCH_SIZE) await this.flush();
  }

  /** Writes everything buffered, athletes first so the activities of the same upload find them. */
  async flush(): Promise<void> {
    for (const kind of FLUSH_ORDER) {
      const batch = this.buffers[kind];
      this.buffers[kind] = [];
      if (batch.length > 0) await this.writeBatch(kind, batch);
    }
  }

  private async writeBatch(kind: SummaryKind, batch: SourceRecord[]): Promise<void> {
    if (kind !== 'athletes')
      await loadAthleteZones(
        this.ch,
        batch.map((r) => String(r.fields?.athlete_id ?? '')),
        this.ctx.athletes,
      );
    const rejects: Rejected[] = [];
    const valid: Located<never>[] = [];
    for (const record of batch) {
      const checked = this.validate(kind, record);
      if (checked.ok) valid.push({ locator: record.locator, text: record.text, row: checked.row as never });
      else rejects.push({ locator: record.locator, reason: checked.reason, detail: checked.detail, text: record.text });
    }
    // Compare-then-insert under the write lock: a concurrent ingest of the same records finds them stored.
    const upserted = await exclusively(this.ch, () => upsertSummaries(this.ch, TABLE[kind], valid, this.seen[kind]));
    rejects.push(
      ...[...upserted.conflicts, ...upserted.refused].map((c) => ({
        locator: c.locator,
        reason: c.reason,
        detail: c.detail,
        text: c.text,
      })),
    );
    if (kind === 'athletes') {
      const refused = new Set(upserted.refused.map((c) => c.locator));
      for (const { locator, row } of valid as Located<{ athlete_id: string; time_zone: string }>[]) {
        if (!refused.has(locator)) this.ctx.athletes.set(row.athlete_id, row.time_zone);
      }
    }
    await writeRejects(this.ch, this.outcome.source, rejects);
    this.outcome.inserted += upserted.inserted;
    this.outcome.unchanged += upserted.unchanged;
    addRejected(this.outcome, Object.fromEntries(countBy(rejects.map((r) => r.reason))));
  }

  private validate(kind: SummaryKind, record: SourceRecord): Checked<unknown> {
    if (!record.fields)
      return {
        ok: false,
        reason: record.rejectAs ?? 'malformed_record',
        detail: record.parseError ?? 'unreadable record',
      };
    if (kind === 'athletes') return validateAthlete(record.fields, this.ctx);
    if (kind === 'thresholds') return validateThreshold(record.fields, this.ctx);
    if (kind === 'planned') return validatePlanned({ source: this.recordSource, ...record.fields }, this.ctx);
    return validateActivity({ source: this.recordSource, ...record.fields }, this.ctx);
  }
}

function countBy<T>(items: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}
