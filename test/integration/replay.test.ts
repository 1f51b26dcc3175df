/**
 * Replays real recorded histories (test/fixtures/histories, written by `npm run record:histories`)
 * against the current workflow code: a change that would break workflows already running in production
 * (a different sequence of commands) fails here instead of in a worker.
 *
 * What replay compares: the kind and order of commands, activity types and activity ids (sequence numbers
 * unless the workflow sets them), timers, child workflows. Not activity inputs: swapping two
 * computeFeatureStep calls (e.g. running 'daily' before 'activity') replays without error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/project-root.js';
import { workflowsPath } from '../../workers/worker.js';
import {
  HISTORIES_DIR,
  historyFile,
  LEGACY_HISTORIES,
  RECORDED_WORKFLOW_IDS,
  type RecordedWorkflow,
} from '../fixtures/record-histories.js';
import { historyFromJson } from '../support/history-json.js';

const recorded = (workflow: RecordedWorkflow) => ({
  workflowId: RECORDED_WORKFLOW_IDS[workflow],
  history: historyFromJson(fs.readFileSync(historyFile(workflow), 'utf8')),
});

/** Activity types in the order the history scheduled them. */
function scheduledActivities(workflow: RecordedWorkflow): string[] {
  return (recorded(workflow).history.events ?? []).flatMap(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
  );
}

describe('replaying recorded workflow histories', () => {
  it('the fixtures are complete, successful runs that exercise every activity of each workflow', () => {
    for (const workflow of Object.keys(RECORDED_WORKFLOW_IDS) as RecordedWorkflow[]) {
      const events = recorded(workflow).history.events ?? [];
      expect(events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe(workflow);
      expect(events.at(-1)?.workflowExecutionCompletedEventAttributes, workflow).toBeTruthy();
    }
    expect(new Set(scheduledActivities('ingestActivities'))).toEqual(
      new Set(['planIngest', 'ingestFile', 'ingestFitFiles', 'stageStreamFile', 'promoteStreams', 'ingestSynthetic']),
    );
    const features = scheduledActivities('featurePipeline');
    expect(features[0]).toBe('planFeatureRun');
    expect(features.slice(-2)).toEqual(['checkFeatureRun', 'finishFeatureRun']);
    expect(features.filter((a) => a === 'computeFeatureStep').length).toBeGreaterThanOrEqual(8);
    expect(scheduledActivities('trainTimeEstimator')).toEqual([
      'recordMlRun',
      'buildTrainingSet',
      'trainCandidate',
      'applyPromotionGate',
      'recordMlRun',
    ]);
    expect(scheduledActivities('batchInference')).toEqual([
      'checkInferenceReady',
      'scoreBatch',
      'scoreBatch',
      'liveError',
    ]);
    expect(scheduledActivities('promoteModel')).toEqual(['promoteModel']);
  });

  it('the current workflow code replays every recorded history deterministically', async () => {
    const legacy = LEGACY_HISTORIES.map(({ workflow, file }) => ({
      workflowId: RECORDED_WORKFLOW_IDS[workflow],
      history: historyFromJson(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')),
    }));
    const histories = [...(Object.keys(RECORDED_WORKFLOW_IDS) as RecordedWorkflow[]).map(recorded), ...legacy];
    const results = [];
    for await (const result of Worker.runReplayHistories(
      { workflowsPath, replayName: 'recorded-histories' },
      histories,
    ))
      results.push(result);
    expect(results.map((r) => ({ workflowId: r.workflowId, error: r.error?.message }))).toEqual(
      histories.map((h) => ({ workflowId: h.workflowId, error: undefined })),
    );
  });

  it('a featurePipeline that schedules different activities fails the replay with a determinism violation', async () => {
    const changed = path.join(projectRoot, 'test', 'fixtures', 'nondeterministic-workflows.ts');
    const { workflowId, history } = recorded('featurePipeline');
    const replay = Worker.runReplayHistory(
      { workflowsPath: changed, replayName: 'nondeterministic' },
      history,
      workflowId,
    );
    await expect(replay).rejects.toThrow(DeterminismViolationError);
    await expect(replay).rejects.toThrow(/planFeatureRun/);
  });
});
