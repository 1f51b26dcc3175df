export { featurePipeline, type FeaturePipelineInput, type FeaturePipelineSummary } from './featurePipeline.js';
export { ingestActivities, type IngestInput, type IngestSummary } from './ingestActivities.js';
export { ingestInbox, type IngestInboxInput, type IngestInboxSummary } from './ingestInbox.js';
export { scheduledRun, type ScheduledRunInput, type ScheduledRunSummary } from './scheduledRun.js';
export { athleteFeatures } from './athleteFeatures.js';
export { deleteActivities, type DeleteActivitiesInput } from './deleteActivities.js';
export { forgetAthlete, type ForgetAthleteInput } from './forgetAthlete.js';
export { batchInference, type BatchInferenceInput, type BatchInferenceSummary } from './batchInference.js';
export { promoteModel, type PromoteModelInput } from './promoteModel.js';
export {
  trainTimeEstimator,
  type TrainTimeEstimatorInput,
  type TrainTimeEstimatorSummary,
} from './trainTimeEstimator.js';
export { modelOverview } from './modelOverview.js';
