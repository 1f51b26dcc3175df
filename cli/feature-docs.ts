import fs from 'node:fs';
import path from 'node:path';
import { withFeatureColumns } from '../features/docs.js';
import { projectRoot } from '../lib/project-root.js';

/** `npm run docs:features`: rewrites the README's feature column reference from the registry. */
const readme = path.join(projectRoot, 'README.md');
fs.writeFileSync(readme, withFeatureColumns(fs.readFileSync(readme, 'utf8')));
console.log('README.md: feature columns regenerated from features/registry.ts');
