/**
 * Runs a command's main function: a failure prints its message (and the stack with DEBUG=1) and exits 1.
 * The last line is the whole cause chain: a failed workflow says only "Workflow execution failed", and the
 * reason (the ApplicationFailure an activity or the workflow raised) is in its causes.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (process.env.DEBUG) console.error(error);
    console.error(`error: ${causeChain(error)}`);
    process.exitCode = 1;
  });
}

/** "Workflow execution failed: Activity task failed: /data/x: no such file or directory", repeats left out. */
export function causeChain(error: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = error; e !== undefined && e !== null; e = e instanceof Error ? e.cause : undefined) {
    const message = e instanceof Error ? e.message : String(e);
    if (message && !messages.includes(message)) messages.push(message);
  }
  return messages.join(': ');
}
