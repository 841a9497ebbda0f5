import { counter } from '@tradewind/observability';
import type { Counter } from 'prom-client';

/** What ops-console counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class OpsConsoleMetrics {
  readonly records: Counter<'outcome'> = counter({
    name: 'tradewind_ops_console_records_total',
    help: 'Records of ops.exceptions by outcome: stored, or a duplicate delivery of one already stored.',
    labelNames: ['outcome'],
  });
}
