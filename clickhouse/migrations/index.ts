import type { Migration } from '../migrate.js';
import { rawData } from './0001_raw_data.js';
import { featurePipeline } from './0002_feature_pipeline.js';
import { activityFeatures } from './0003_activity_features.js';
import { athleteFeatures } from './0004_athlete_features.js';
import { generator } from './0005_generator.js';
import { streamUploadFiles } from './0006_stream_upload_files.js';
import { deletions } from './0008_deletions.js';
import { timeEstimator } from './0009_time_estimator.js';
import { featureState } from './0010_feature_state.js';

/** Applied in this order; append only, never edit one that has shipped. */
export const migrations: Migration[] = [
  rawData,
  featurePipeline,
  activityFeatures,
  athleteFeatures,
  generator,
  streamUploadFiles,
  deletions,
  timeEstimator,
  featureState,
];
