import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { rootLogger } from '@tradewind/observability';
import type { Level, Logger } from 'pino';

// From the most to the least verbose: the first Nest level enabled decides pino's threshold.
const NEST_TO_PINO: readonly (readonly [NestLogLevel, Level])[] = [
  ['verbose', 'trace'],
  ['debug', 'debug'],
  ['log', 'info'],
  ['warn', 'warn'],
  ['error', 'error'],
  ['fatal', 'fatal'],
];

// Nest passes a stack as the one extra argument of error(); it looks like "Error: ...\n    at ...".
const STACK = /\n\s+at\s/;

/**
 * Nest's LoggerService over pino, so Nest's own lines and `new Logger(MyClass.name)` in services come
 * out as JSON with `context: 'MyClass'` and the correlation fields. Use once at start-up:
 * `NestFactory.create(AppModule, { bufferLogs: true })` then `app.useLogger(app.get(PinoLoggerService))`.
 */
export class PinoLoggerService implements LoggerService {
  private logger: Logger;

  constructor(private readonly base: Logger = rootLogger) {
    this.logger = base;
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest's `logger: ['error', 'warn']` option: applies to Nest's lines only, not to the whole root logger. */
  setLogLevels(levels: NestLogLevel[]): void {
    const lowest = NEST_TO_PINO.find(([nest]) => levels.includes(nest));
    this.logger = this.base.child({}, { level: lowest ? lowest[1] : 'silent' });
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const rest = [...params];
    const fields: Record<string, unknown> = {};
    // Nest appends the Logger's context as the last argument; a lone stack passed to error() is not one.
    const last = rest[rest.length - 1];
    if (typeof last === 'string' && !(level === 'error' && rest.length === 1 && STACK.test(last))) {
      fields.context = last;
      rest.pop();
    }
    const extras: unknown[] = [];
    for (const param of rest) {
      if (param === undefined) continue;
      if (param instanceof Error && fields.err === undefined) fields.err = param;
      else if (typeof param === 'string' && STACK.test(param) && fields.stack === undefined)
        fields.stack = param;
      else extras.push(param);
    }
    if (extras.length > 0) fields.params = extras;

    let text: string | undefined;
    if (message instanceof Error) {
      fields.err = message;
      text = message.message;
    } else if (typeof message === 'object' && message !== null && !Array.isArray(message)) {
      Object.assign(fields, message);
    } else if (typeof message === 'string') {
      text = message;
    } else if (message !== undefined) {
      fields.value = message;
    }
    this.logger[level](fields, text);
  }
}
