// The worker thread's entry (fit-folder.ts): registers tsx so the TypeScript worker loads in any parent
// (an npm script under tsx, vitest, a plain node process).
import { register } from 'tsx/esm/api';

register();
await import('./fit-decode-worker.ts');
