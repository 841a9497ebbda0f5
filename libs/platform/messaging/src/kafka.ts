import { createLogger } from '@tradewind/observability';
import { Kafka, type KafkaConfig, logLevel, type SASLOptions } from 'kafkajs';

export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  ssl?: boolean;
  sasl?: SASLOptions;
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

let negativeTimeoutWarningSilenced = false;

/**
 * kafkajs 2.2 schedules timers with a negative delay, which Node 24 reports as a TimeoutNegativeWarning
 * (tulios/kafkajs#1751; Node clamps the delay to 1 ms, so nothing breaks). Drop that one warning, keep
 * the rest. Idempotent.
 */
export function silenceKafkajsTimeoutWarning(): void {
  if (negativeTimeoutWarningSilenced) return;
  negativeTimeoutWarningSilenced = true;
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = (...args: unknown[]) => {
    const [, type] = args;
    const name = typeof type === 'string' ? type : (type as { type?: unknown } | undefined)?.type;
    if (name === 'TimeoutNegativeWarning') return;
    emitWarning(...args);
  };
}

/**
 * How long the broker holds a fetch that finds no records (kafkajs' `maxWaitTimeInMs`, 5 s by default).
 * Stopping a consumer waits for its fetch in flight: with the default an idle consumer took 2-5 s to
 * stop. Records still come back at once (a fetch returns as soon as there is one); an idle consumer asks
 * once a second.
 */
export const CONSUMER_MAX_WAIT_MS = 1_000;

/** A kafkajs client whose own logs go to the structured logger (warnings and errors only). */
export function createKafka(connection: KafkaConnection): Kafka {
  silenceKafkajsTimeoutWarning();
  const log = createLogger('kafkajs');
  const config: KafkaConfig = {
    brokers: connection.brokers,
    clientId: connection.clientId,
    ssl: connection.ssl,
    sasl: connection.sasl,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...rest } = entry;
        log[levels[level] ?? 'info'](rest, message);
      },
    retry: { initialRetryTime: 200, retries: 8 },
  };
  return new Kafka(config);
}

/** Whether a kafkajs error is the broker being away or busy (a lost connection, a leader election). */
export function isTransientKafkaError(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if ((e as { retriable?: boolean }).retriable === true) return true;
    if (/KafkaJS(Connection|ConnectionClosed|NumberOfRetriesExceeded|RequestTimeout)Error/.test(e.name))
      return true;
  }
  return false;
}

/**
 * Runs a start-up step (a connect, a subscription, a topic check) again while the broker is away or
 * busy, up to `deadlineMs`: a service starting during a broker hiccup waits for it rather than exits
 * (kafkajs reports a socket the broker closed as "write after end", retriable). `undo` cleans a failed
 * attempt up before the next one.
 */
export async function whileKafkaIsTransient<T>(
  step: () => Promise<T>,
  options: { deadlineMs?: number; undo?: () => Promise<void> } = {},
): Promise<T> {
  const deadline = Date.now() + (options.deadlineMs ?? 60_000);
  const log = createLogger('kafkajs');
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      await options.undo?.().catch(() => undefined);
      if (!isTransientKafkaError(error) || Date.now() > deadline) throw error;
      log.warn({ err: error, attempt }, 'Kafka not ready; trying again');
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 250 * attempt)));
    }
  }
}
