import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../lib/project-root.js';

const exec = promisify(execFile);

/** A project script (`cli/main.ts`, `schedules/apply.ts`) run as `node --import tsx` in its own process. */
export function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeout?: number,
): Promise<{ stdout: string; stderr: string }> {
  return exec(process.execPath, ['--import', 'tsx', path.join(projectRoot, script), ...args], {
    cwd: projectRoot,
    env,
    ...(timeout && { timeout }),
  });
}
