export { featurePipeline, type FeaturePipelineInput, type FeaturePipelineSummary } from './featurePipeline.js';
export { ingestActivities, type IngestInput, type IngestSummary } from './ingestActivities.js';
