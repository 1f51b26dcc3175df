export {
  computeDailyFeatures,
  computeRollingFeatures,
  computeWeeklyFeatures,
  type AthleteStepInput,
} from './compute.js';
