/** Runs a command's main function: a failure prints its message (and the stack with DEBUG=1) and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(process.env.DEBUG ? error : `error: ${messageOf(error)}`);
    process.exitCode = 1;
  });
}

/** A failed workflow says only "Workflow execution failed": the reason is in its cause chain. */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const causes: string[] = [error.message];
  for (let cause = error.cause; cause instanceof Error; cause = cause.cause) causes.push(cause.message);
  return causes.join(': ');
}
