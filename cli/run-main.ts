/** Runs a command's main function: a failure prints its message (and the stack with DEBUG=1) and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(process.env.DEBUG ? error : `error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
