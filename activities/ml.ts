import { execFileSync } from 'node:child_process';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ClickHouse } from '../clickhouse/client.js';
import type { FeatureSettings } from '../config/env.js';
import { todayIn } from '../shared/time-zone.js';
import type { GbdtParams } from '../ml/gbdt/types.js';
import { InferenceError, scoreBatch, type ScoreBatchInput } from '../ml/inference/batch.js';
import { liveError } from '../ml/inference/batch.sql.js';
import { checkInferenceReady } from '../ml/inference/readiness.js';
import { promotionGate, type GateDecision, type GateInput } from '../ml/registry/gate.js';
import type { Metrics } from '../ml/registry/metrics.js';
import {
  aliasChanges,
  changeAlias,
  CHAMPION,
  readVersion,
  recordMlRun,
  type AliasChange,
  type MlRunRecord,
} from '../ml/registry/registry.js';
import {
  buildTrainingSet,
  TrainingSetError,
  type SplitRequest,
  type TrainingSetSpec,
} from '../ml/training-set/build.js';
import { MODEL_NAME } from '../ml/time-estimator/spec.js';
import { CandidateError, trainCandidate, type CandidateResult } from '../ml/training/candidate.js';
import { INVALID_INPUT, failFastOn } from '../shared/failures.js';
import { whileHeartbeating } from './heartbeat.js';

/** The ML activities' failure that no retry can fix, with its message for the workflow. */
export const ML_PRECONDITION = 'MlPreconditionFailed';

/** Bad hyperparameters (the trainer's RangeError) and impossible candidates fail fast; so do unmet preconditions. */
function failFast<T>(work: () => Promise<T>): Promise<T> {
  return work().catch((error: unknown) => {
    if (error instanceof RangeError || error instanceof CandidateError)
      throw ApplicationFailure.nonRetryable(error.message, INVALID_INPUT);
    if (error instanceof InferenceError) throw ApplicationFailure.nonRetryable(error.message, ML_PRECONDITION);
    throw error;
  });
}

let gitCommit: string | undefined;
function currentCommit(): string {
  try {
    gitCommit ??= execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    gitCommit = '';
  }
  return gitCommit;
}

export type CandidateSummary = Omit<CandidateResult, 'spec'>;

export function createMlActivities(ch: ClickHouse, settings: FeatureSettings) {
  const today = () => todayIn(settings.timeZone);
  const model = MODEL_NAME;
  return {
    async resolveMlAsOf(asOf?: string): Promise<string> {
      return asOf ?? today();
    },

    async buildTrainingSet(input: {
      trainingSetId: string;
      asOf: string;
      split: SplitRequest;
    }): Promise<TrainingSetSpec> {
      return failFastOn(TrainingSetError, () =>
        whileHeartbeating({ step: 'trainingSet' }, () =>
          buildTrainingSet(ch, input.trainingSetId, input.asOf, input.split),
        ),
      );
    },

    /** Train → evaluate against baseline and champion → export and parity check → register. Heartbeats each tree. */
    async trainCandidate(input: {
      runId: string;
      trainingSetId: string;
      params: Partial<GbdtParams>;
    }): Promise<CandidateSummary> {
      const context = Context.current();
      const result = await failFast(() =>
        whileHeartbeating({ step: 'train' }, () =>
          trainCandidate(ch, { ...input, model }, (p) =>
            context.heartbeat({
              step: 'train',
              iteration: p.iteration,
              trainRmse: p.trainRmse,
              validRmse: p.validRmse,
            }),
          ),
        ),
      );
      const { spec: _spec, ...summary } = result;
      return summary;
    },

    /** Promotes the version when it passes the gate; the alias change is idempotent per changeId. */
    async applyPromotionGate(
      input: GateInput & { version: number; changeId: string; changedBy: string },
    ): Promise<GateDecision & { promoted: boolean }> {
      const decision = promotionGate(input);
      if (!decision.passed) return { ...decision, promoted: false };
      await changeAlias(ch, {
        model,
        changeId: input.changeId,
        toVersion: input.version,
        action: 'promote',
        changedBy: input.changedBy,
        reason: decision.reasons.join('; '),
      });
      return { ...decision, promoted: true };
    },

    async recordMlRun(record: Omit<MlRunRecord, 'gitCommit' | 'model'>): Promise<void> {
      await recordMlRun(ch, { ...record, model, gitCommit: currentCommit() });
    },

    /** Points the champion at `version`, or back at the champion before the current one. */
    async promoteModel(input: {
      version?: number;
      rollback?: boolean;
      changeId: string;
      changedBy: string;
      reason: string;
    }): Promise<AliasChange> {
      const history = await aliasChanges(ch, model, CHAMPION);
      const recorded = history.find((h) => h.changeId === input.changeId);
      if (recorded) return recorded;
      const current = history.at(-1);
      let target = input.version;
      if (input.rollback) {
        if (!current || current.fromVersion === 0)
          throw ApplicationFailure.nonRetryable(`${model} has no previous champion to roll back to.`, ML_PRECONDITION);
        target = current.fromVersion;
      }
      if (!(await readVersion(ch, model, target!)))
        throw ApplicationFailure.nonRetryable(`${model} v${target} is not registered.`, INVALID_INPUT);
      if (current?.toVersion === target && !input.rollback)
        throw ApplicationFailure.nonRetryable(`${model} v${target} is already the champion.`, ML_PRECONDITION);
      return changeAlias(ch, { ...input, model, toVersion: target!, action: input.rollback ? 'rollback' : 'promote' });
    },

    /** The champion and fresh features for the as-of date, or a clear non-retryable failure. */
    async checkInferenceReady(input: { asOf: string }) {
      return failFast(() => checkInferenceReady(ch, model, input.asOf));
    },

    async scoreBatch(input: Omit<ScoreBatchInput, 'model'>): Promise<number> {
      const context = Context.current();
      // Heartbeats after every chunk, and while one chunk's query runs (the progress object is read at each beat).
      const progress = { kind: input.kind, rows: 0 };
      return failFast(() =>
        whileHeartbeating(progress, () =>
          scoreBatch(ch, { ...input, model }, (scored) => {
            progress.rows = scored;
            context.heartbeat({ ...progress });
          }),
        ),
      );
    },

    /** Live error of the version on the as-of date's completed activities (undefined without any). */
    async liveError(input: { version: number; asOf: string }): Promise<Metrics | undefined> {
      const result = await ch.client.query({
        query: liveError(ch.db),
        query_params: { ...input, model },
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ activities: string; mae_s: number; rmse_s: number; mape_pct: number }>();
      const rows = Number(row?.activities ?? 0);
      return rows > 0 ? { rows, mae_s: row!.mae_s, rmse_s: row!.rmse_s, mape_pct: row!.mape_pct } : undefined;
    },
  };
}
