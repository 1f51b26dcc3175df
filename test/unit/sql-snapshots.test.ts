/**
 * Every statement the *.sql.ts modules build, expanded (identifiers in place, values as {name:Type} placeholders),
 * is committed under test/sql-snapshots/, one file per statement: a review shows the SQL that runs. A changed
 * statement fails here until its snapshot is updated (`npx vitest run test/unit/sql-snapshots.test.ts -u`), so the
 * change shows in the diff. A feature statement whose SQL changed while none of its table's definition versions
 * did fails too: bump the @version of the features whose computation changed (features/.../definitions.ts), then
 * record the pair with UPDATE_FEATURE_VERSIONS=1. A change that keeps every row identical (a faster plan; the
 * randomized incremental = full test and the published vectors pass unchanged) does not change what a feature
 * means: record it with UPDATE_FEATURE_VERSIONS=same-rows, which keeps the versions and lists the replaced hash
 * under `sameRowsAs`, so the declaration shows in the diff.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseName, type Database } from '../../clickhouse/sql.js';
import { FEATURE_VIEWS, type FeatureTable } from '../../features/catalog.js';
import { featureDefinitions } from '../../ml/point-in-time/feature-set.js';
import { FEATURE_SET, modelInputs } from '../../ml/time-estimator/spec.js';
import { projectRoot } from '../../lib/project-root.js';

const db = databaseName('db');
const SNAPSHOTS = path.join(projectRoot, 'test', 'sql-snapshots');
const SKIPPED = new Set(['node_modules', '.tools', '.git', 'data', 'dist', 'test']);
const STATEMENT = /^(SELECT|INSERT|WITH|DELETE|ALTER|OPTIMIZE|CREATE|DROP|TRUNCATE)\b/;

function sqlModules(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sqlModules(full);
    return entry.name.endsWith('.sql.ts') ? [full] : [];
  });
}

/** Statements of builders that take more than the database: every argument they are called with in the code. */
async function moreArgumentStatements(): Promise<Record<string, Record<string, string>>> {
  const streams = await import('../../ingest/streams.sql.js');
  const streamFile = await import('../../ingest/stream-file-engine.sql.js');
  const inputs = await import('../../ml/time-estimator/inputs.sql.js');
  const build = await import('../../ml/training-set/build.sql.js');
  const modelInput = modelInputs(featureDefinitions(FEATURE_SET));
  return {
    'ingest/streams': {
      'dropBatch.stream_staging': streams.dropBatch(db, 'stream_staging'),
      'dropBatch.stream_changes': streams.dropBatch(db, 'stream_changes'),
    },
    'ingest/stream-file-engine': {
      'stagePlainSamples.csv': streamFile.stagePlainSamples(db, 'csv'),
      'stagePlainSamples.ndjson': streamFile.stagePlainSamples(db, 'ndjson'),
      'linesLeftToNode.csv': streamFile.linesLeftToNode('csv'),
      'linesLeftToNode.ndjson': streamFile.linesLeftToNode('ndjson'),
    },
    'ml/time-estimator/inputs': {
      'inputRowsSql.completed': inputs.inputRowsSql(db, modelInput, inputs.completedActivityLabels(db)),
      'inputRowsSql.planned': inputs.inputRowsSql(db, modelInput, inputs.plannedActivityLabels(db)),
    },
    'ml/training-set/build': {
      insertTrainingRows: build.insertTrainingRows(
        db,
        inputs.inputRowsSql(db, modelInput, inputs.completedActivityLabels(db)),
      ),
    },
  };
}

/** module (path without .sql.ts) → statement name → SQL. Builders of one argument get the database. */
async function allStatements(): Promise<Map<string, Record<string, string>>> {
  const statements = new Map<string, Record<string, string>>();
  for (const file of sqlModules(projectRoot).sort()) {
    const module = path
      .relative(projectRoot, file)
      .replace(/\.sql\.ts$/, '')
      .split(path.sep)
      .join('/');
    const exports = (await import(file)) as Record<string, unknown>;
    const built: Record<string, string> = {};
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value !== 'function' || value.length !== 1 || !/^\(?\s*db\b/.test(value.toString())) continue;
      const sql = (value as (d: Database) => unknown)(db);
      if (typeof sql === 'string' && STATEMENT.test(sql.trim())) built[name] = sql;
    }
    if (Object.keys(built).length > 0) statements.set(module, built);
  }
  for (const [module, extra] of Object.entries(await moreArgumentStatements())) {
    statements.set(module, { ...statements.get(module), ...extra });
  }
  return statements;
}

/** As committed: the statement without its surrounding blank lines, one newline at the end. */
const asFile = (sql: string) => `${sql.replace(/^\s*\n/, '').trimEnd()}\n`;

const statements = await allStatements();

describe('SQL snapshots (test/sql-snapshots/<module>/<statement>.sql)', () => {
  for (const [module, built] of statements) {
    for (const [name, sql] of Object.entries(built)) {
      it(`${module}: ${name}`, async () => {
        await expect(asFile(sql)).toMatchFileSnapshot(path.join(SNAPSHOTS, module, `${name}.sql`));
      });
    }
  }

  it('cover the feature statements and the INSERTs have column lists', () => {
    const all = [...statements.values()].flatMap((b) => Object.values(b));
    expect(all.length).toBeGreaterThan(60);
    const withoutColumns = all.filter((sql) => /INSERT INTO \S+\s+(SELECT|WITH)\b/.test(sql));
    expect(withoutColumns).toEqual([]);
  });
});

/** The statement that writes each feature table. */
const FEATURE_STATEMENTS: Record<FeatureTable, [module: string, name: string]> = {
  activity_features: ['features/activity/activity-features', 'insertActivityFeaturesSql'],
  athlete_daily_features: ['features/athlete/daily', 'dailyFeaturesSql'],
  athlete_rolling_features: ['features/athlete/rolling', 'rollingFeaturesSql'],
  athlete_weekly_features: ['features/athlete/weekly', 'weeklyFeaturesSql'],
};
const VERSIONS_FILE = path.join(SNAPSHOTS, 'feature-versions.json');

interface FeatureVersions {
  sqlSha256: string;
  definitions: string[];
  /** Earlier hashes of the statement, replaced by changes declared to keep every row identical. */
  sameRowsAs?: string[];
}

function currentFeatureVersions(): Record<string, FeatureVersions> {
  return Object.fromEntries(
    FEATURE_VIEWS.map((view) => {
      const [module, name] = FEATURE_STATEMENTS[view.table];
      const sql = asFile(statements.get(module)![name]!);
      return [
        view.table,
        {
          sqlSha256: createHash('sha256').update(sql).digest('hex'),
          definitions: view.columns.map((c) => c.definition),
        },
      ];
    }),
  );
}

/** Tables whose statement changed while their definitions stayed as committed. */
function unbumped(committed: Record<string, FeatureVersions>, current: Record<string, FeatureVersions>): string[] {
  return Object.entries(current)
    .filter(
      ([table, now]) =>
        committed[table] &&
        committed[table].sqlSha256 !== now.sqlSha256 &&
        JSON.stringify(committed[table].definitions) === JSON.stringify(now.definitions),
    )
    .map(
      ([table]) => `${table}: its SQL changed but no definition version did; bump the @version of the changed features`,
    );
}

/**
 * What to record: the current hashes and versions, each table keeping its list of same-rows hashes while its
 * versions stay; with `declaredSameRows` a changed hash under unchanged versions joins that list.
 */
function toRecord(
  committed: Record<string, FeatureVersions>,
  current: Record<string, FeatureVersions>,
  declaredSameRows: boolean,
): Record<string, FeatureVersions> {
  return Object.fromEntries(
    Object.entries(current).map(([table, now]) => {
      const before = committed[table];
      if (!before || JSON.stringify(before.definitions) !== JSON.stringify(now.definitions)) return [table, now];
      const history = [...(before.sameRowsAs ?? [])];
      if (before.sqlSha256 !== now.sqlSha256 && declaredSameRows) history.push(before.sqlSha256);
      return [table, history.length > 0 ? { ...now, sameRowsAs: history } : now];
    }),
  );
}

describe('feature definition versions', () => {
  it('change whenever the SQL of their table changes (test/sql-snapshots/feature-versions.json)', () => {
    const current = currentFeatureVersions();
    const committed = JSON.parse(fs.readFileSync(VERSIONS_FILE, 'utf8')) as Record<string, FeatureVersions>;
    const declaredSameRows = process.env.UPDATE_FEATURE_VERSIONS === 'same-rows';
    if (!declaredSameRows) expect(unbumped(committed, current)).toEqual([]);
    const record = toRecord(committed, current, declaredSameRows);
    if (process.env.UPDATE_FEATURE_VERSIONS) fs.writeFileSync(VERSIONS_FILE, `${JSON.stringify(record, null, 2)}\n`);
    expect(record, 'record the new SQL and versions with UPDATE_FEATURE_VERSIONS=1 (or =same-rows)').toEqual(committed);
  });

  it('a changed statement with unchanged versions is caught; with a bumped version it is not', () => {
    const before = { athlete_daily_features: { sqlSha256: 'a', definitions: ['daily_load@1'] } };
    expect(
      unbumped(before, { athlete_daily_features: { sqlSha256: 'b', definitions: ['daily_load@1'] } }),
    ).toHaveLength(1);
    expect(unbumped(before, { athlete_daily_features: { sqlSha256: 'b', definitions: ['daily_load@2'] } })).toEqual([]);
  });

  it('a change declared to keep the rows records the replaced hash, and nothing without the declaration', () => {
    const before = { athlete_daily_features: { sqlSha256: 'a', definitions: ['daily_load@1'] } };
    const now = { athlete_daily_features: { sqlSha256: 'b', definitions: ['daily_load@1'] } };
    expect(toRecord(before, now, true).athlete_daily_features!.sameRowsAs).toEqual(['a']);
    expect(toRecord(before, now, false)).toEqual(now);
    // Once recorded, the committed file matches without any declaration.
    const recorded = toRecord(before, now, true);
    expect(toRecord(recorded, now, false)).toEqual(recorded);
  });
});
