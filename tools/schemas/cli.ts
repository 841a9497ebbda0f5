import { SchemaToolException } from './schema-tool.exception';

/** Runs a CLI entry point: its result is the exit code; a thrown SchemaToolException prints its problems. */
export function runCli(main: () => Promise<number>): void {
  silenceNegativeTimeoutWarning();
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof SchemaToolException) {
        for (const problem of error.problems) console.error(problem);
        if (error.cause instanceof Error) console.error(`  caused by: ${error.cause.message}`);
      } else {
        console.error(error);
      }
      process.exitCode = 1;
    },
  );
}

/**
 * kafkajs 2.2 schedules timers with a negative delay, which Node 24 reports as a TimeoutNegativeWarning
 * on every run (Node clamps the delay to 1 ms, so nothing breaks). Drop that one warning, keep the rest.
 */
function silenceNegativeTimeoutWarning(): void {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = (...args: unknown[]) => {
    const [, type] = args;
    const name = typeof type === 'string' ? type : (type as { type?: unknown } | undefined)?.type;
    if (name === 'TimeoutNegativeWarning') return;
    emitWarning(...args);
  };
}
