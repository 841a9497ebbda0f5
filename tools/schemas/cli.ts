import { silenceKafkajsTimeoutWarning } from '@tradewind/messaging';

import { SchemaToolException } from './schema-tool.exception';

/** Runs a CLI entry point: its result is the exit code; a thrown SchemaToolException prints its problems. */
export function runCli(main: () => Promise<number>): void {
  silenceKafkajsTimeoutWarning();
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
