import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The clone's root folder: commands, workers and tests find files and entry points from it. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
