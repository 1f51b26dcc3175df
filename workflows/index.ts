export { ingestActivities, type IngestInput, type IngestSummary } from './ingestActivities.js';
