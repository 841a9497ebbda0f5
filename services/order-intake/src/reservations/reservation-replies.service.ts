// inventory-sync's answer moves a `validated` order on: every line held (or backordered) → accepted, and
// the Odoo commands go out as for any accepted order; a line without stock → rejected with
// INSUFFICIENT_STOCK on that line (the 855 / JSON ack says so), and what the other lines hold is released.
// Replies are at least once: the inbox drops redeliveries, an order no longer waiting ignores a reply.
import { randomUUID } from 'node:crypto';

import { OrderStatus, type ReservationReply } from '@tradewind/contracts';
import { HEADER, type RecordHeaders } from '@tradewind/messaging';
import { type Inbox, withTransaction } from '@tradewind/persistence';
import type { DataSource } from 'typeorm';

import type { OrderIntakeMetrics } from '../metrics/order-intake.metrics';
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
    const disposition = await withTransaction(this.dataSource, async (manager): Promise<ReplyDisposition> => {
      // An object: TypeScript does not see the assignments inside the callback.
      const done: { value: ReplyDisposition } = { value: 'redelivered' };
      await this.inbox.runOnce(manager, { consumerGroup: this.consumerGroup, messageId }, async () => {
        const order = await this.orders.lockByOrderId(manager, reply.orderId);
        if (order === undefined || order.status !== OrderStatus.Validated) {
          done.value = 'stale';
          return;
        }
        const now = new Date();
        const verdict = judgeReservationReply(reply, reservableLines(order), randomUUID(), now);
        if (verdict.accepted) {
          await this.transitions.advance(manager, order, [OrderStatus.Accepted]);
          done.value = 'accepted';
          return;
        }
        order.problems = [...verdict.problems];
        const acknowledged = this.transitions.acknowledges(order.partnerId) ? [OrderStatus.Acknowledged] : [];
        await this.transitions.advance(manager, order, [OrderStatus.Rejected, ...acknowledged]);
        if (verdict.release !== undefined)
          await this.transitions.releaseReservations(manager, order, verdict.release);
        done.value = 'rejected';
        for (const p of verdict.problems) {
          this.metrics.rejectionReasons.inc({ partner: order.partnerId, code: p.code });
        }
      });
      return done.value;
    });
    if (disposition === 'accepted' || disposition === 'rejected') {
      this.metrics.orders.inc({ partner: reply.partnerId, outcome: disposition });
    }
    return disposition;
  }
}
