import { ACTIVITY_FEATURES } from './activity/definitions.js';
import { DAILY_FEATURES, ROLLING_FEATURES, WEEKLY_FEATURES } from './athlete/definitions.js';

/**
 * The feature views: one declarative description of every feature table (in the spirit of Feast's
 * FeatureView): its entity, natural key, event date, the step that writes it and its columns with type,
 * unit and definition version. The registry, the docs, the checks, pruning, the feature workflow's summary,
 * the point-in-time lookup and the test helpers read it; `feature_registry` is synced from it.
 */

export const FEATURE_TABLES = [
  'activity_features',
  'athlete_daily_features',
  'athlete_rolling_features',
  'athlete_weekly_features',
] as const;
export type FeatureTable = (typeof FEATURE_TABLES)[number];

/** One feature column, as model training records it: `definition` names the exact computation. */
export interface FeatureDefinition {
  table: FeatureTable;
  column: string;
  /** ClickHouse type as system.columns prints it. */
  type: string;
  unit: string;
  description: string;
  /** `name@version`; bump the version whenever the computation changes. */
  definition: string;
}

export interface FeatureView<T extends FeatureTable = FeatureTable, S extends string = string> {
  /** short name used in feature references: `rolling.ctl` */
  name: string;
  table: T;
  /** the entity the rows describe (the point-in-time join key) */
  entity: 'athlete_id';
  /** the natural key of a row (ReplacingMergeTree ORDER BY) */
  key: readonly string[];
  /** the date column of the key */
  eventDate: string;
  /** SQL over a local date `d`: the event date of the row that holds `d` (weekly rows start on Monday) */
  rowDateOf: (d: string) => string;
  /**
   * SQL over the row: the last local date whose data the row includes. A label on date D may use a row only
   * when this is strictly before D (a weekly row is complete only after its Sunday).
   */
  coversUntil: string;
  /** the feature pipeline step that writes the table */
  step: S;
  columns: readonly FeatureDefinition[];
}

const view = <T extends FeatureTable, S extends string>(v: FeatureView<T, S>) => v;

export const FEATURE_VIEWS = [
  view({
    name: 'activity',
    table: 'activity_features',
    entity: 'athlete_id',
    key: ['athlete_id', 'activity_id'],
    eventDate: 'local_date',
    rowDateOf: (d) => d,
    coversUntil: 'local_date',
    step: 'activity',
    columns: ACTIVITY_FEATURES,
  }),
  view({
    name: 'daily',
    table: 'athlete_daily_features',
    entity: 'athlete_id',
    key: ['athlete_id', 'date'],
    eventDate: 'date',
    rowDateOf: (d) => d,
    coversUntil: 'date',
    step: 'daily',
    columns: DAILY_FEATURES,
  }),
  view({
    name: 'rolling',
    table: 'athlete_rolling_features',
    entity: 'athlete_id',
    key: ['athlete_id', 'as_of_date'],
    eventDate: 'as_of_date',
    rowDateOf: (d) => d,
    coversUntil: 'as_of_date',
    step: 'rolling',
    columns: ROLLING_FEATURES,
  }),
  view({
    name: 'weekly',
    table: 'athlete_weekly_features',
    entity: 'athlete_id',
    key: ['athlete_id', 'week_start'],
    eventDate: 'week_start',
    rowDateOf: (d) => `toMonday(${d})`,
    coversUntil: 'week_start + 6',
    step: 'weekly',
    columns: WEEKLY_FEATURES,
  }),
] as const;

type Views = (typeof FEATURE_VIEWS)[number];
/** The feature pipeline's steps, each writing one view. */
export type FeatureViewStep = Views['step'];
/** Step → the table it writes, as a type: the workflow (which may import only types) declares its map against it. */
export type TableOfStep = { [V in Views as V['step']]: V['table'] };

export function viewOfTable(table: FeatureTable): FeatureView {
  return FEATURE_VIEWS.find((v) => v.table === table)!;
}

export function viewNamed(name: string): FeatureView | undefined {
  return FEATURE_VIEWS.find((v) => v.name === name);
}

/** Views of the athlete tables, keyed by athlete and date (the ones dated by a spine). */
export const ATHLETE_VIEWS = FEATURE_VIEWS.filter((v) => v.table !== 'activity_features');
