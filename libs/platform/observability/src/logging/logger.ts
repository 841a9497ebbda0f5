import pino, { type Bindings, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';

import { currentCorrelation } from '../correlation/correlation.context';

export type LogLevel = LevelWithSilent;
export type { Logger } from 'pino';

export interface RootLoggerOptions {
  level?: LogLevel;
  /** Where lines go; stdout when omitted (tests pass a stream to read lines back). */
  destination?: DestinationStream;
  /** Fixed `service` field; when omitted, the one set by configureLogging() (read per line). */
  service?: string;
}

let configuredService: string | undefined;

/**
 * A pino logger writing one JSON object per line: ISO time, level as a word, the `service`, and the
 * current correlation fields (correlationId, causationId, partnerId, sourceSystem, traceparent) on
 * every line through a mixin, so code never passes them by hand.
 */
export function createRootLogger(options: RootLoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.errWithCause },
      // Belt and braces: a secret passed in a log object by mistake does not reach the log store.
      redact: {
        paths: [
          'password',
          '*.password',
          'authorization',
          '*.authorization',
          '*.headers.authorization',
          '*.headers.cookie',
        ],
        censor: '****',
      },
      mixin: () => correlationFields(options.service ?? configuredService),
    },
    options.destination,
  );
}

function correlationFields(service: string | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  if (service !== undefined) fields.service = service;
  const context = currentCorrelation();
  if (context === undefined) return fields;
  fields.correlationId = context.correlationId;
  if (context.causationId !== undefined) fields.causationId = context.causationId;
  if (context.partnerId !== undefined) fields.partnerId = context.partnerId;
  if (context.sourceSystem !== undefined) fields.sourceSystem = context.sourceSystem;
  if (context.traceparent !== undefined) fields.traceparent = context.traceparent;
  return fields;
}

/** The process-wide logger (stdout, `info` until configureLogging() says otherwise). */
export const rootLogger: Logger = createRootLogger();

/**
 * Sets the level and the `service` field of rootLogger and of every logger made from it, including
 * those created before this call (children follow their parent's level until given their own).
 */
export function configureLogging(options: { level?: LogLevel; service?: string }): void {
  if (options.level !== undefined) rootLogger.level = options.level;
  if (options.service !== undefined) configuredService = options.service;
}

/**
 * A class- or module-scoped logger: `private readonly log = createLogger(OrderIntakeService.name)`.
 * Lines carry `context: name` (the field Nest's own logs use too) plus `bindings`.
 */
export function createLogger(name: string, bindings: Bindings = {}, parent: Logger = rootLogger): Logger {
  return parent.child({ context: name, ...bindings });
}
