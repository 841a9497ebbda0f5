import type { DestinationStream } from 'pino';

import { createRootLogger, type Logger, type LogLevel } from './logger';

/** A root logger writing into memory; `lines()` parses what was written. */
export function captureLogs(options: { level?: LogLevel; service?: string } = {}): {
  logger: Logger;
  lines: () => Record<string, unknown>[];
} {
  const written: string[] = [];
  const destination: DestinationStream = { write: (chunk: string) => void written.push(chunk) };
  const logger = createRootLogger({ ...options, destination });
  return {
    logger,
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
