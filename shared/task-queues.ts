/** Default task queues (TEMPORAL_TASK_QUEUE and ML_TASK_QUEUE override them for the workers and the registrar). */
export const FEATURE_TASK_QUEUE = 'feature-engineering';
export const ML_TASK_QUEUE = 'ml';
