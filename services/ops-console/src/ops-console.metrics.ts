import { counter } from '@tradewind/observability';
import type { Counter } from 'prom-client';

/** What ops-console counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class OpsConsoleMetrics {
  readonly exceptions: Counter<'kind' | 'outcome'> = counter({
    name: 'tradewind_ops_console_exceptions_total',
    help: 'Records of ops.exceptions by kind and what became of them: open, superseded or resolved on arrival, or a duplicate delivery.',
    labelNames: ['kind', 'outcome'],
  });

  readonly autoResolved: Counter<'workflow'> = counter({
    name: 'tradewind_ops_console_auto_resolved_total',
    help: 'Exceptions resolved by a later success of their business key, by workflow.',
    labelNames: ['workflow'],
  });

  readonly actions: Counter<'action' | 'outcome'> = counter({
    name: 'tradewind_ops_console_actions_total',
    help: 'Console actions by action and outcome: done, requested (four-eyes), denied, invalid.',
    labelNames: ['action', 'outcome'],
  });

  readonly deadLetters: Counter<'topic'> = counter({
    name: 'tradewind_ops_console_dead_letters_total',
    help: 'Dead-letter records stored for re-drive, by dead-letter topic.',
    labelNames: ['topic'],
  });
}
