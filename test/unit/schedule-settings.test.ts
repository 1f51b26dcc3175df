import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/common.js';
import { declaredSchedules } from '../../schedules/declared.js';
import { fingerprint } from '../../schedules/registrar.js';
import { loadScheduleSettings } from '../../schedules/settings.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadScheduleSettings(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
};

describe('schedule settings', () => {
  it('declares the feature and inference schedules by default; training and inbox only when configured', () => {
    const ids = (env: Record<string, string>) => declaredSchedules(loadScheduleSettings(env)).map((s) => s.id);
    expect(ids({})).toEqual(['afs-feature-pipeline-daily', 'afs-batch-inference-daily']);
    expect(ids({ TRAINING_SCHEDULE: 'off' })).toHaveLength(2);
    expect(ids({ TRAINING_SCHEDULE: 'sunday 03:15', INGEST_INBOX: '/srv/inbox', SCHEDULE_ID_PREFIX: 'x-' })).toEqual([
      'x-feature-pipeline-daily',
      'x-batch-inference-daily',
      'x-train-time-estimator-weekly',
      'x-inbox-ingest-daily',
    ]);
    const training = declaredSchedules(loadScheduleSettings({ TRAINING_SCHEDULE: 'SUN 03:15' }))[2]!;
    expect(training.at).toEqual({ dayOfWeek: 'SUNDAY', hour: 3, minute: 15 });
    expect(training.overlap).toBe('SKIP');
  });

  it('puts every schedule in PIPELINE_TIME_ZONE, on the task queues of the workers', () => {
    const schedules = declaredSchedules(
      loadScheduleSettings({
        PIPELINE_TIME_ZONE: 'Europe/Paris',
        INGEST_INBOX: '/srv/inbox',
        TEMPORAL_TASK_QUEUE: 'f',
        ML_TASK_QUEUE: 'm',
      }),
    );
    expect(new Set(schedules.map((s) => s.timeZone))).toEqual(new Set(['Europe/Paris']));
    expect(schedules.map((s) => s.taskQueue)).toEqual(['f', 'm', 'f']);
    expect(schedules[1]!.input).toMatchObject({
      workflowType: 'batchInference',
      taskQueue: 'm',
      idPrefix: 'batch-inference',
      timeZone: 'Europe/Paris',
    });
  });

  it('reports every bad setting at once', () => {
    const problems = problemsOf({
      PIPELINE_TIME_ZONE: 'Nowhere/City',
      FEATURE_SCHEDULE_TIME: '25:00',
      TRAINING_SCHEDULE: 'someday',
      INGEST_INBOX: 'relative',
      SCHEDULE_ID_PREFIX: 'a b',
    });
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/FEATURE_SCHEDULE_TIME "25:00" must be HH:MM/);
    expect(problems.join('\n')).toMatch(/TRAINING_SCHEDULE "someday"/);
    expect(problems.join('\n')).toMatch(/INGEST_INBOX "relative" must be an absolute folder path/);
  });

  it('fingerprints the whole declaration: any change to time, input or policy changes it', () => {
    const [base] = declaredSchedules(loadScheduleSettings({}));
    expect(fingerprint(base!)).toBe(fingerprint({ ...base! }));
    expect(fingerprint({ ...base!, at: { hour: 6, minute: 1 } })).not.toBe(fingerprint(base!));
    expect(fingerprint({ ...base!, overlap: 'SKIP' })).not.toBe(fingerprint(base!));
    expect(fingerprint({ ...base!, input: { ...base!.input, timeZone: 'Europe/Paris' } })).not.toBe(fingerprint(base!));
  });
});
