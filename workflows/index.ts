export { ingestActivities } from './ingestActivities.js';
