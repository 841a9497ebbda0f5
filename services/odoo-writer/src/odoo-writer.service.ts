// The write path from a validated command to Odoo: one micro-batcher per (command type, batch key), each
// batch run by the command type's operation through the gateway, technical failures retried here with
// backoff a few times before they reach the consumer runner (retry topic, then dead-letter). Retries are
// per command: the ones that succeeded or were refused are settled, only the failed ones go again.
// An outage's failures (Odoo down, timing out alone) use up no attempt while the breaker is not closed,
// up to `maxUncountedRetries`; a command's own failures (record rule, its server error) always count.
import { CommandType } from '@tradewind/contracts';
import type { Logger } from '@tradewind/observability';

import type { WritableCommandType } from './commands/command-type';
import type { WriterCommand } from './commands/writer-command';
import type { FaultInjector } from './fault-injector';
import { isOutageFailure, type OdooGateway } from './odoo/odoo-gateway';
import { OdooWriterErrorCode, OdooWriterException } from './odoo-writer.exception';
import type { OdooWriterMetrics } from './odoo-writer.metrics';
import { ConfirmSaleOrderOperation } from './operations/confirm-sale-order.operation';
import { CreateVendorBillOperation } from './operations/create-vendor-bill.operation';
import { PostInvoiceOperation } from './operations/post-invoice.operation';
import { RegisterPaymentOperation } from './operations/register-payment.operation';
import { SetPurchaseLineDatesOperation } from './operations/set-purchase-line-dates.operation';
import { SetStockLevelOperation } from './operations/set-stock-level.operation';
import { UpsertPurchaseOrderOperation } from './operations/upsert-purchase-order.operation';
import { UpsertSaleOrderOperation } from './operations/upsert-sale-order.operation';
import { ValidatePickingOperation } from './operations/validate-picking.operation';
import type { WriteOperation, WriteOutcome } from './operations/write-operation';
import type { AdaptiveConcurrencyLimiter } from './resilience/adaptive-limiter';
import { backoffDelay, pause } from './resilience/backoff';
import { BreakerState, type CircuitBreaker } from './resilience/circuit-breaker';
import { KeyedMicroBatcher, type Settled } from './resilience/micro-batcher';

export interface OdooWriterServiceOptions {
  maxBatchRecords: number;
  lingerMs: number;
  retryAttempts: number;
  /** Retries of outage failures while the breaker is not closed that use up no attempt, at most. */
  maxUncountedRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
}

const OPERATIONS = {
  [CommandType.UpsertSaleOrder]: new UpsertSaleOrderOperation(),
  [CommandType.ConfirmSaleOrder]: new ConfirmSaleOrderOperation(),
  [CommandType.SetStockLevel]: new SetStockLevelOperation(),
  [CommandType.UpsertPurchaseOrder]: new UpsertPurchaseOrderOperation(),
  [CommandType.ValidatePicking]: new ValidatePickingOperation(),
  [CommandType.PostInvoice]: new PostInvoiceOperation(),
  [CommandType.RegisterPayment]: new RegisterPaymentOperation(),
  [CommandType.SetPurchaseLineDates]: new SetPurchaseLineDatesOperation(),
  [CommandType.CreateVendorBill]: new CreateVendorBillOperation(),
} satisfies { [T in WritableCommandType]: WriteOperation<Extract<WriterCommand, { type: T }>> };

export class OdooWriterService {
  private readonly batcher: KeyedMicroBatcher<WriterCommand, WriteOutcome>;

  constructor(
    private readonly odoo: OdooGateway,
    private readonly limiter: AdaptiveConcurrencyLimiter,
    private readonly breaker: CircuitBreaker,
    private readonly metrics: OdooWriterMetrics,
    private readonly faults: FaultInjector,
    private readonly log: Logger,
    private readonly options: OdooWriterServiceOptions,
  ) {
    this.batcher = new KeyedMicroBatcher({
      maxItems: options.maxBatchRecords,
      lingerMs: options.lingerMs,
      capacity: () => this.limiter.whenAvailable(),
      run: (key, commands) => this.runBatch(key, commands),
    });
  }

  /** Resolves when Odoo holds the command's effect; rejects with a business or a technical error. */
  execute(command: WriterCommand): Promise<WriteOutcome> {
    return this.batcher.submit(`${command.type}|${batchKeyOf(command)}`, command);
  }

  private async runBatch(key: string, commands: WriterCommand[]): Promise<Settled<WriteOutcome>[]> {
    const type = commands[0].type;
    this.metrics.batchSize.observe({ type }, commands.length);
    const results = new Array<Settled<WriteOutcome>>(commands.length);
    let pending = commands.map((_, index) => index);
    for (let attempt = 1, uncounted = 0; ;) {
      let settled: Settled<WriteOutcome>[];
      try {
        const batch = pending.map((index) => commands[index]);
        settled = await this.faults.forType(type, () => runOperation(batch, this.odoo));
      } catch (error) {
        settled = pending.map(() => ({ ok: false, error }));
      }
      const failed: number[] = [];
      let lastError: unknown;
      settled.forEach((result, position) => {
        const index = pending[position];
        if (result.ok || (result.error instanceof OdooWriterException && result.error.business)) {
          results[index] = result;
        } else {
          failed.push(index);
          lastError = result.error;
        }
      });
      if (failed.length === 0) return results;
      // Failures while the circuit opens or is open are the outage's, not the commands': they use up
      // no attempt, the next call waits for the circuit. Capped, so that nothing loops forever.
      const outage = isOutageFailure(lastError) && this.breaker.state !== BreakerState.Closed;
      if (outage && uncounted < this.options.maxUncountedRetries) uncounted += 1;
      else attempt += 1;
      if (attempt > this.options.retryAttempts) {
        this.log.warn(
          { batch: key, commands: failed.length, attempts: attempt - 1, uncounted, err: lastError },
          'Odoo batch failed; giving up',
        );
        for (const index of failed)
          results[index] = { ok: false, error: givenUp(type, attempt - 1, uncounted, lastError) };
        return results;
      }
      const delay = backoffDelay(
        Math.max(1, attempt - 1),
        this.options.retryBaseDelayMs,
        this.options.retryMaxDelayMs,
      );
      this.log.info(
        { batch: key, commands: failed.length, attempt, uncounted, retryInMs: delay, err: lastError },
        'Odoo batch failed; retrying',
      );
      await pause(delay);
      pending = failed;
    }
  }
}

/** The technical failure a command ends with when its attempts are used up (the runner takes over). */
function givenUp(
  type: CommandType,
  attempts: number,
  uncounted: number,
  error: unknown,
): OdooWriterException {
  // A command's own failure keeps its code; anything else is Odoo's failure.
  if (error instanceof OdooWriterException && error.code === OdooWriterErrorCode.CommandFailed) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new OdooWriterException(
    OdooWriterErrorCode.OdooFailed,
    `${type}: Odoo failed ${attempts} times${uncounted > 0 ? ` (and ${uncounted} times during an outage)` : ''}: ${message}`,
    { cause: error },
  );
}

/** The exhaustive dispatch from a command type to its operation (batches hold one type only). */
function batchKeyOf(command: WriterCommand): string {
  switch (command.type) {
    case CommandType.UpsertSaleOrder:
      return OPERATIONS[command.type].batchKey(command);
    case CommandType.ConfirmSaleOrder:
      return OPERATIONS[command.type].batchKey();
    case CommandType.SetStockLevel:
      return OPERATIONS[command.type].batchKey();
    case CommandType.UpsertPurchaseOrder:
      return OPERATIONS[command.type].batchKey(command);
    case CommandType.ValidatePicking:
      return OPERATIONS[command.type].batchKey();
    case CommandType.PostInvoice:
      return OPERATIONS[command.type].batchKey();
    case CommandType.RegisterPayment:
      return OPERATIONS[command.type].batchKey();
    case CommandType.SetPurchaseLineDates:
      return OPERATIONS[command.type].batchKey();
    case CommandType.CreateVendorBill:
      return OPERATIONS[command.type].batchKey();
  }
}

function runOperation(commands: WriterCommand[], odoo: OdooGateway): Promise<Settled<WriteOutcome>[]> {
  const first = commands[0];
  const same = <T extends WriterCommand>(type: T['type']) => commands.filter((c): c is T => c.type === type);
  switch (first.type) {
    case CommandType.UpsertSaleOrder:
      return OPERATIONS[first.type].run(same(first.type), odoo);
    case CommandType.ConfirmSaleOrder:
      return OPERATIONS[first.type].run(same(first.type), odoo);
    case CommandType.SetStockLevel:
      return OPERATIONS[first.type].run(same(first.type), odoo);
    case CommandType.UpsertPurchaseOrder:
      return OPERATIONS[first.type].run(same(first.type), odoo);
    case CommandType.ValidatePicking:
      return OPERATIONS[first.type].run(same(first.type), odoo);
    case CommandType.PostInvoice:
      return OPERATIONS[first.type].run(same(first.type), odoo);
    case CommandType.RegisterPayment:
      return OPERATIONS[first.type].run(same(first.type), odoo);
    case CommandType.SetPurchaseLineDates:
      return OPERATIONS[first.type].run(same(first.type), odoo);
    case CommandType.CreateVendorBill:
      return OPERATIONS[first.type].run(same(first.type), odoo);
  }
}
