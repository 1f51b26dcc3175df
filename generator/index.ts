/** The synthetic athlete population: summaries in TypeScript, per-second streams synthesized in ClickHouse. */
export { generatePopulation, generateAthlete } from './population.js';
export { insertStreamPlans, synthesizeStreams } from './synthesize-streams.js';
export { DIRTY_KINDS, type DirtyKind } from './dirty.js';
export type { GeneratedAthlete, PopulationOptions, StreamPlan } from './types.js';
