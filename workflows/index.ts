export { featurePipeline, type FeaturePipelineInput, type FeaturePipelineSummary } from './featurePipeline.js';
export { ingestActivities, type IngestInput, type IngestSummary } from './ingestActivities.js';
export { deleteActivities, type DeleteActivitiesInput } from './deleteActivities.js';
export { forgetAthlete, type ForgetAthleteInput } from './forgetAthlete.js';
