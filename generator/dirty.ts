import type { ActivityRow } from '../shared/records.js';

/**
 * Invalid copies of clean activities, one per kind of defect that ingestion must quarantine.
 * They are extra records with their own ids (the clean activity stays), so no valid data is lost.
 */
export const DIRTY_KINDS = [
  'hr_300',
  'power_4000',
  'moving_exceeds_elapsed',
  'zero_duration',
  'unknown_sport',
  'future_start',
  'malformed_number',
  'unknown_athlete',
  'missing_activity_id',
] as const;
export type DirtyKind = (typeof DIRTY_KINDS)[number];

export function dirtyCopy(clean: ActivityRow, kind: DirtyKind): Record<string, unknown> {
  const record: Record<string, unknown> = { ...clean, activity_id: `${clean.activity_id}-dirty-${kind}` };
  switch (kind) {
    case 'hr_300':
      return { ...record, avg_hr_bpm: 300, max_hr_bpm: 300 };
    case 'power_4000':
      return { ...record, avg_power_w: 4000 };
    case 'moving_exceeds_elapsed':
      return { ...record, moving_time_s: clean.elapsed_time_s + 600 };
    case 'zero_duration':
      return { ...record, moving_time_s: 0, elapsed_time_s: 0 };
    case 'unknown_sport':
      return { ...record, sport: 'kayak' };
    case 'future_start':
      // 2099 is not a leap year: 29 February would be a malformed date instead of a future one
      return { ...record, start_time_utc: `2099${clean.start_time_utc.slice(4).replace('-02-29', '-02-28')}` };
    case 'malformed_number':
      return { ...record, distance_m: '12,5km' };
    case 'unknown_athlete':
      return { ...record, athlete_id: `ghost-${clean.athlete_id}` };
    case 'missing_activity_id': {
      const { activity_id: _dropped, ...rest } = record;
      return rest;
    }
  }
}
