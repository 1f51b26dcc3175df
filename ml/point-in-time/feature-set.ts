import { FEATURE_VIEWS, viewNamed, type FeatureDefinition, type FeatureView } from '../../features/catalog.js';

/** `view.column`, e.g. `rolling.ctl` (view names and columns from features/catalog.ts). */
export type FeatureRef = `${string}.${string}`;

/** A named, versioned list of features (like Feast's FeatureService), with how stale each view may be. */
export interface FeatureSet {
  name: string;
  version: number;
  features: readonly FeatureRef[];
  /** per view name: a row older than this many days before the label date is not used (NULLs instead) */
  maxLookbackDays: Readonly<Record<string, number>>;
}

export interface ResolvedView {
  view: FeatureView;
  lookbackDays: number;
  columns: FeatureDefinition[];
}

export class FeatureSetError extends Error {}

/** The feature set checked against the catalog and grouped by view (catalog order). */
export function resolveFeatureSet(set: FeatureSet): ResolvedView[] {
  const wanted = new Map<string, string[]>();
  for (const ref of set.features) {
    const [viewName, column] = ref.split('.');
    const view = viewNamed(viewName ?? '');
    if (!view)
      throw new FeatureSetError(
        `${set.name}@${set.version}: unknown feature view in "${ref}" (views: ${FEATURE_VIEWS.map((v) => v.name).join(', ')})`,
      );
    if (!view.columns.some((c) => c.column === column))
      throw new FeatureSetError(`${set.name}@${set.version}: ${view.table} has no feature column "${column}"`);
    wanted.set(view.name, [...(wanted.get(view.name) ?? []), column!]);
  }
  return FEATURE_VIEWS.filter((v) => wanted.has(v.name)).map((view) => {
    const lookbackDays = set.maxLookbackDays[view.name];
    if (lookbackDays === undefined || !Number.isInteger(lookbackDays) || lookbackDays < 1) {
      throw new FeatureSetError(
        `${set.name}@${set.version}: view ${view.name} needs a whole maximum lookback of at least 1 day`,
      );
    }
    const columns = wanted.get(view.name)!.map((c) => view.columns.find((d) => d.column === c)!);
    return { view, lookbackDays, columns };
  });
}

/** `name@version` of every feature in the set, in its order (what a model records it was trained on). */
export function featureDefinitions(set: FeatureSet): string[] {
  const byRef = new Map(
    resolveFeatureSet(set).flatMap((r) => r.columns.map((c) => [`${r.view.name}.${c.column}`, c.definition] as const)),
  );
  return set.features.map((ref) => byRef.get(ref)!);
}
