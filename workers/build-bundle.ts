import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundlePath, workflowsPath } from './worker.js';

/** `npm run build:workflows`: the bundle production workers load instead of bundling at start-up. */
const { code } = await bundleWorkflowCode({ workflowsPath });
fs.mkdirSync(path.dirname(workflowBundlePath), { recursive: true });
fs.writeFileSync(workflowBundlePath, code);
console.log(`Wrote ${workflowBundlePath} (${(code.length / 1024).toFixed(0)} KiB)`);
