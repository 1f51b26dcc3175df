import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../lib/project-root.js';

/** The Temporal CLI: $TEMPORAL_CLI, else the project-local build from infra/install-temporal-cli.sh. */
export function temporalCliPath(): string {
  const cli = process.env.TEMPORAL_CLI?.trim() || path.join(projectRoot, '.tools', 'bin', 'temporal');
  if (!fs.existsSync(cli)) {
    throw new Error(
      `Temporal CLI not found at ${cli}. Install it with: bash infra/install-temporal-cli.sh (needs Go), or set TEMPORAL_CLI.`,
    );
  }
  return cli;
}
