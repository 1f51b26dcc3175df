import type { Migration } from '../migrate.js';
import { rawData } from './0001_raw_data.js';

/** Applied in this order; append only, never edit one that has shipped. */
export const migrations: Migration[] = [rawData];
