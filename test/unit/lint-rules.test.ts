/** The lint rules that guard workflow determinism and the registrar's independence, run on probe sources. */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/project-root.js';

const eslint = new ESLint({ cwd: projectRoot });

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(projectRoot, file) });
  return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('lint rules', () => {
  it("forbid every Node built-in in workflow code, from Node's own list", async () => {
    for (const module of ['node:readline', 'node:timers/promises', 'fs/promises', 'node:dns', 'vm', 'node:sqlite']) {
      expect(
        await restrictedImports('workflows/index.ts', `import x from '${module}';\nexport const y = x;\n`),
        module,
      ).not.toEqual([]);
    }
    expect(
      await restrictedImports(
        'workflows/index.ts',
        `import { sleep } from '@temporalio/workflow';\nexport const y = sleep;\n`,
      ),
    ).toEqual([]);
  });

  it('keep the registrar free of worker, activity and ClickHouse code', async () => {
    for (const module of [
      '../clickhouse/client.js',
      '../activities/index.js',
      '../workers/worker.js',
      '@temporalio/worker',
      '../config/env.js',
      '../infra/temporal-connection.js',
    ]) {
      expect(
        await restrictedImports('schedules/apply.ts', `import * as x from '${module}';\nexport const y = x;\n`),
        module,
      ).not.toEqual([]);
    }
    expect(
      await restrictedImports(
        'schedules/apply.ts',
        `import { loadTemporalConfig } from '../../config/temporal.js';\nexport const y = loadTemporalConfig;\n`,
      ),
    ).toEqual([]);
  });

  it('let workflows import values from shared/ only, and hold shared/ to the same rules', async () => {
    const probe = (module: string) => `import * as x from '${module}';\nexport const y = x;\n`;
    expect(await restrictedImports('workflows/index.ts', probe('../shared/failures.js'))).toEqual([]);
    expect(await restrictedImports('workflows/index.ts', probe('../ingest/classify-files.js'))).not.toEqual([]);
    for (const module of ['node:fs', '@clickhouse/client', '../ingest/classify-files.js', '../workflows/input.js']) {
      expect(await restrictedImports('shared/text.ts', probe(module)), module).not.toEqual([]);
    }
  });
});
