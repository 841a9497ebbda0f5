// Closes the loop with Odoo: odoo.results of the commands order-intake issued move their orders on
// (written, confirmed, rejected by Odoo, failed), and so does the success of the reconciler's re-drive of
// an order (tw-redrive-id); a confirmation or a rejection is acknowledged to the partner. Results are at
// least once and may be late: the inbox drops redeliveries, the lifecycle drops results that would move
// an order backwards.
import { randomUUID } from 'node:crypto';

import {
  assertUnreachable,
  CommandType,
  type OdooResult,
  ReleaseReason,
  ResultOutcome as OdooOutcome,
} from '@tradewind/contracts';
import { HEADER, type RecordHeaders } from '@tradewind/messaging';
import { createLogger, FailureCategory, TransactionStage } from '@tradewind/observability';
import { problem } from '@tradewind/partner-documents';
import { type Inbox, withTransaction } from '@tradewind/persistence';
import type { DataSource, EntityManager } from 'typeorm';

import { IntakeReasonCode } from '../intake/sales-order.evaluator';
import {
  countAcknowledgement,
  countReasons,
  countStage,
  type OrderIntakeMetrics,
} from '../metrics/order-intake.metrics';
import { SALE_ORDER_XID_PREFIX } from '../orders/order-identity';
import { OrderEvent, transitionsOn } from '../orders/order-lifecycle';
import type { OrderRecord } from '../orders/order-record';
import type { OrderTransitions, TransitionReport } from '../orders/order-transitions';
import type { OrdersRepository } from '../orders/orders.repository';

/** What handling one result did (not the result's own outcome, which is OdooOutcome). */
export type ResultDisposition = 'applied' | 'stale' | 'not-ours' | 'redelivered';

/** The lifecycle event a result stands for; undefined for results of commands this service never issues. */
export function eventOf(result: Pick<OdooResult, 'type' | 'outcome'>): OrderEvent | undefined {
  if (result.type !== CommandType.UpsertSaleOrder && result.type !== CommandType.ConfirmSaleOrder)
    return undefined;
  switch (result.outcome) {
    case OdooOutcome.Written:
    case OdooOutcome.Unchanged:
    case OdooOutcome.AlreadyDone:
      return result.type === CommandType.UpsertSaleOrder ? OrderEvent.Written : OrderEvent.Confirmed;
    case OdooOutcome.BusinessError:
      return OrderEvent.Refused;
    case OdooOutcome.TechnicalError:
      return OrderEvent.Failed;
    // The schema's default: an outcome newer than this service's schema; nothing to move the order on.
    case OdooOutcome.Unknown:
      return undefined;
    default:
      return assertUnreachable(result.outcome);
  }
}

/** An event's outcome at the `written` stage; the upsert alone is no final answer of Odoo's. */
const WRITTEN_OUTCOME: Record<
  OrderEvent,
  { outcome: string; reason?: IntakeReasonCode; category?: FailureCategory } | undefined
> = {
  [OrderEvent.Written]: undefined,
  [OrderEvent.Confirmed]: { outcome: 'confirmed' },
  [OrderEvent.Refused]: {
    outcome: 'rejected',
    reason: IntakeReasonCode.OdooRejected,
    category: FailureCategory.Business,
  },
  [OrderEvent.Failed]: {
    outcome: 'failed',
    reason: IntakeReasonCode.OdooWriteFailed,
    category: FailureCategory.Technical,
  },
};

interface Applied {
  outcome: ResultDisposition;
  partnerId?: string;
  receivedAt?: Date;
  event?: OrderEvent;
  report?: TransitionReport;
}

export class OdooResultsService {
  private readonly log = createLogger(OdooResultsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly orders: OrdersRepository,
    private readonly transitions: OrderTransitions,
    private readonly metrics: OrderIntakeMetrics,
    private readonly consumerGroup: string,
    /** Orders are reserved before they go to Odoo (RESERVATION_POLICY is not off): Odoo's refusal frees them. */
    private readonly releasesReservations = false,
  ) {}

  async handle(result: OdooResult, headers: RecordHeaders): Promise<ResultDisposition> {
    // Other services' commands share the topic; ours are the sale orders under our prefix.
    if (!result.externalId.startsWith(SALE_ORDER_XID_PREFIX)) return 'not-ours';
    const event = eventOf(result);
    if (event === undefined) return 'not-ours';
    const messageId =
      headers[HEADER.messageId] ?? `result:${result.commandId}:${result.outcome}:${result.completedAt}`;
    const applied = await withTransaction(this.dataSource, async (manager): Promise<Applied> => {
      let done: Applied = { outcome: 'redelivered' };
      await this.inbox.runOnce(manager, { consumerGroup: this.consumerGroup, messageId }, async () => {
        done = await this.apply(manager, result, event, headers[HEADER.redriveId] !== undefined);
      });
      return done;
    });
    if (applied.outcome === 'applied' && applied.partnerId !== undefined && applied.event !== undefined) {
      const written = WRITTEN_OUTCOME[applied.event];
      if (written !== undefined) {
        const seconds = (Date.now() - (applied.receivedAt?.getTime() ?? Date.now())) / 1000;
        countStage(this.metrics, applied.partnerId, TransactionStage.Written, written.outcome, seconds);
        if (written.reason !== undefined)
          countReasons(
            this.metrics,
            applied.partnerId,
            TransactionStage.Written,
            [written.reason],
            written.category,
          );
      }
      countAcknowledgement(this.metrics, applied.partnerId, applied.report);
    }
    return applied.outcome;
  }

  private async apply(
    manager: EntityManager,
    result: OdooResult,
    event: OrderEvent,
    redriven: boolean,
  ): Promise<Applied> {
    const order = await this.orders.lockByExternalId(manager, result.externalId);
    if (order === undefined) {
      this.log.debug(
        { externalId: result.externalId, commandId: result.commandId },
        'result for an order unknown here',
      );
      return { outcome: 'not-ours' };
    }
    const issuedHere =
      result.commandId === order.upsertCommandId || result.commandId === order.confirmCommandId;
    // The reconciler's re-drive repairs Odoo with commands of its own: Odoo writing or confirming the
    // order is the truth about it and moves it on (the partner is then acknowledged); a re-drive's failure
    // is the re-drive's to report, and leaves the order where its own commands left it.
    const adopted =
      !issuedHere && redriven && (event === OrderEvent.Written || event === OrderEvent.Confirmed);
    if (adopted) {
      this.log.info(
        { orderId: order.orderId, commandId: result.commandId, type: result.type },
        "a re-drive's result moves the order on",
      );
    } else if (!issuedHere) {
      this.log.warn(
        { orderId: order.orderId, commandId: result.commandId, type: result.type },
        'result of a command this order did not issue; ignored',
      );
      return { outcome: 'stale' };
    }
    const statuses = transitionsOn(order.status, event, this.transitions.acknowledges(order.partnerId));
    if (statuses.length === 0) {
      this.log.debug(
        { orderId: order.orderId, status: order.status, event },
        'stale or repeated result; ignored',
      );
      return { outcome: 'stale' };
    }
    if (result.odooModel === 'sale.order' && result.odooId !== null) order.odooOrderId ??= result.odooId;
    order.problems = problemsAfter(order, event, result);
    const report = await this.transitions.advance(manager, order, statuses);
    if (event === OrderEvent.Refused && this.releasesReservations) {
      // Refused for good: what inventory-sync holds for it goes back to stock (a no-op if it holds nothing).
      await this.transitions.releaseReservations(manager, order, {
        releaseId: randomUUID(),
        orderId: order.orderId,
        reason: ReleaseReason.Rejected,
        lineNos: [],
        releasedAt: Date.now(),
        shipmentId: null,
        shipped: [],
      });
    }
    return { outcome: 'applied', partnerId: order.partnerId, receivedAt: order.receivedAt, event, report };
  }
}

/** Odoo's refusal becomes a reason; a technical give-up is shown until a later result clears it. */
function problemsAfter(order: OrderRecord, event: OrderEvent, result: OdooResult): OrderRecord['problems'] {
  const kept = order.problems.filter((p) => p.code !== (IntakeReasonCode.OdooWriteFailed as string));
  const step = result.type === CommandType.ConfirmSaleOrder ? 'confirm' : 'create';
  switch (event) {
    case OrderEvent.Written:
    case OrderEvent.Confirmed:
      return kept;
    case OrderEvent.Refused:
      return [
        ...kept,
        problem(
          IntakeReasonCode.OdooRejected,
          `Odoo refused to ${step} the order: ${result.errorMessage ?? result.errorClass ?? 'no reason given'}`,
          { kind: 'order' },
        ),
      ];
    case OrderEvent.Failed:
      return [
        ...kept,
        problem(
          IntakeReasonCode.OdooWriteFailed,
          `The order could not be written to Odoo yet (${result.errorClass ?? 'technical error'}); it waits for a re-drive.`,
          { kind: 'order' },
        ),
      ];
  }
}
