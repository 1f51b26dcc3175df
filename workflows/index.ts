export { featurePipeline, type FeaturePipelineInput, type FeaturePipelineSummary } from './featurePipeline.js';
export { ingestActivities, type IngestInput, type IngestSummary } from './ingestActivities.js';
export { batchInference, type BatchInferenceInput, type BatchInferenceSummary } from './batchInference.js';
export { promoteModel, type PromoteModelInput } from './promoteModel.js';
export { trainTimeEstimator, type TrainTimeEstimatorInput, type TrainTimeEstimatorSummary } from './trainTimeEstimator.js';
