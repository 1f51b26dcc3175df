import type { Migration } from '../migrate.js';
import { rawData } from './0001_raw_data.js';
import { featurePipeline } from './0002_feature_pipeline.js';

/** Applied in this order; append only, never edit one that has shipped. */
export const migrations: Migration[] = [rawData, featurePipeline];
