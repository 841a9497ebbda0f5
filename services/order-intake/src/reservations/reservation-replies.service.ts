// inventory-sync's answer moves a `validated` order on: every line held (or backordered) → accepted, and
// the Odoo commands go out as for any accepted order; a line without stock → rejected with
// INSUFFICIENT_STOCK on that line (the 855 / JSON ack says so), and what the other lines hold is released.
// Replies are at least once: the inbox drops redeliveries, an order no longer waiting ignores a reply.
import { randomUUID } from 'node:crypto';

import { OrderStatus, type ReservationReply } from '@tradewind/contracts';
import { HEADER, type RecordHeaders } from '@tradewind/messaging';
import { TransactionStage } from '@tradewind/observability';
import { type Inbox, withTransaction } from '@tradewind/persistence';
import type { DataSource } from 'typeorm';

import {
  countAcknowledgement,
  countReasons,
  countStage,
  type OrderIntakeMetrics,
} from '../metrics/order-intake.metrics';
import { orderRejectionException } from '../orders/order-exception';
import type { TransitionReport } from '../orders/order-transitions';
import type { OrderTransitions } from '../orders/order-transitions';
import type { OrdersRepository } from '../orders/orders.repository';
import { judgeReservationReply, reservableLines } from './order-reservations';

/** What handling one reply did. */
export type ReplyDisposition = 'accepted' | 'rejected' | 'stale' | 'redelivered';

export class ReservationRepliesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly orders: OrdersRepository,
    private readonly transitions: OrderTransitions,
    private readonly metrics: OrderIntakeMetrics,
    private readonly consumerGroup: string,
  ) {}

  async handle(reply: ReservationReply, headers: RecordHeaders): Promise<ReplyDisposition> {
    const messageId = headers[HEADER.messageId] ?? `reservation-reply:${reply.orderId}:${reply.decidedAt}`;
    const decided = await withTransaction(this.dataSource, async (manager): Promise<Decided> => {
      // An object: TypeScript does not see the assignments inside the callback.
      const done: { value: Decided } = { value: { disposition: 'redelivered' } };
      await this.inbox.runOnce(manager, { consumerGroup: this.consumerGroup, messageId }, async () => {
        const order = await this.orders.lockByOrderId(manager, reply.orderId);
        if (order === undefined || order.status !== OrderStatus.Validated) {
          done.value = { disposition: 'stale' };
          return;
        }
        const receivedAt = order.receivedAt;
        const verdict = judgeReservationReply(reply, reservableLines(order), randomUUID(), new Date());
        if (verdict.accepted) {
          const report = await this.transitions.advance(manager, order, [OrderStatus.Accepted]);
          done.value = {
            disposition: 'accepted',
            partnerId: order.partnerId,
            receivedAt,
            report,
            reasons: [],
          };
          return;
        }
        order.problems = [...verdict.problems];
        const acknowledged = this.transitions.acknowledges(order.partnerId) ? [OrderStatus.Acknowledged] : [];
        const report = await this.transitions.advance(manager, order, [
          OrderStatus.Rejected,
          ...acknowledged,
        ]);
        if (verdict.release !== undefined)
          await this.transitions.releaseReservations(manager, order, verdict.release);
        // Stock refused it: a person may correct it (e.g. fewer units) from the ops console.
        await this.transitions.raiseException(
          manager,
          order,
          orderRejectionException(
            order,
            order.documentIds[0],
            this.consumerGroup,
            undefined,
            headers[HEADER.correlationId] ?? null,
            new Date(),
          ),
        );
        done.value = {
          disposition: 'rejected',
          partnerId: order.partnerId,
          receivedAt,
          report,
          reasons: verdict.problems.map((p) => p.code),
        };
      });
      return done.value;
    });
    // The validated stage of a reserving order is decided here, after the transaction committed.
    if (decided.disposition === 'accepted' || decided.disposition === 'rejected') {
      const seconds = (Date.now() - decided.receivedAt.getTime()) / 1000;
      countStage(this.metrics, decided.partnerId, TransactionStage.Validated, decided.disposition, seconds);
      countReasons(this.metrics, decided.partnerId, TransactionStage.Validated, decided.reasons);
      countAcknowledgement(this.metrics, decided.partnerId, decided.report);
    }
    return decided.disposition;
  }
}

type Decided =
  | { disposition: 'stale' | 'redelivered' }
  | {
      disposition: 'accepted' | 'rejected';
      partnerId: string;
      receivedAt: Date;
      report: TransitionReport;
      reasons: string[];
    };
