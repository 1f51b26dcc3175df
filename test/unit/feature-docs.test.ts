import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFeatureColumns } from '../../features/docs.js';
import { FEATURES } from '../../features/registry.js';
import { projectRoot } from '../../lib/project-root.js';

describe('README feature reference', () => {
  it('documents every registered feature column, as the registry says (npm run docs:features regenerates it)', () => {
    const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    expect(withFeatureColumns(readme)).toBe(readme);
    for (const f of FEATURES) expect(readme).toContain(`| \`${f.column}\` |`);
  });
});
