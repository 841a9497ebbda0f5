import { AsyncLocalStorage } from 'node:async_hooks';

/** What ties a log line, a metric exemplar or a Kafka record to the partner transaction it serves. */
export interface CorrelationContext {
  /** The partner transaction's tracking id; the same across every service and record it causes. */
  correlationId: string;
  /** Id of the message (or request) that caused the current work. */
  causationId?: string;
  partnerId?: string;
  sourceSystem?: string;
  /** W3C trace context of the current unit of work. */
  traceparent?: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

/**
 * Runs `fn` with `context` as the current correlation; it follows every await, timer and callback
 * started inside, and concurrent runs never see each other's context. Returns what `fn` returns.
 */
export function runWithCorrelation<R>(context: CorrelationContext, fn: () => R): R {
  // A copy: annotateCorrelation() inside this run must not change the caller's object.
  return storage.run({ ...context }, fn);
}

/** The correlation of the current async context, or undefined outside runWithCorrelation. */
export function currentCorrelation(): Readonly<CorrelationContext> | undefined {
  return storage.getStore();
}

/**
 * Adds fields learnt after the run started (the gateway knows the partner only after authentication)
 * to the current context; visible to everything that runs later in the same run. False when there is none.
 */
export function annotateCorrelation(fields: Partial<Omit<CorrelationContext, 'correlationId'>>): boolean {
  const context = storage.getStore();
  if (context === undefined) return false;
  for (const [key, value] of Object.entries(fields) as [keyof CorrelationContext, string | undefined][]) {
    if (value !== undefined) context[key] = value;
  }
  return true;
}
