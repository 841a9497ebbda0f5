// A window's re-drive: reconciled afresh, then each repairable discrepancy sent again through odoo.commands
// (the odoo-writer writes, order-intake follows its results), rate limited and audited on ops.audit; what
// a person must decide goes to ops.exceptions.
import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { AuditOutcome, ExceptionKind, TOPICS, type TopicValueMap } from '@tradewind/contracts';
import { HEADER, TypedProducer } from '@tradewind/messaging';

import type { OdooSaleOrdersReader } from '../odoo/odoo-sale-orders.reader';
import type { ReconcilerConfig } from '../reconciler.config';
import { ReconcilerMetrics } from '../reconciler.metrics';
import { ODOO_SALE_ORDERS, RECONCILER_CONFIG } from '../reconciler.tokens';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { ORDER_VIEWS, type OrderViews } from '../views/order-views.repository';
import { planRedrive } from './redrive.planner';

export interface RedriveOutcome {
  readonly redriven: readonly { orderId: string | null; class: string; commandIds: string[] }[];
  readonly forPerson: readonly {
    orderId: string | null;
    class: string;
    code: string;
    odooIds: readonly number[];
  }[];
  readonly deferred: number;
}

@Injectable()
export class RedriveService {
  constructor(
    @Inject(RECONCILER_CONFIG) private readonly config: ReconcilerConfig,
    @Inject(ReconciliationService) private readonly reconciliation: ReconciliationService,
    @Inject(ORDER_VIEWS) private readonly views: OrderViews,
    @Inject(ODOO_SALE_ORDERS) private readonly odoo: OdooSaleOrdersReader,
    @Inject(TypedProducer) private readonly producer: TypedProducer<TopicValueMap>,
    @Inject(ReconcilerMetrics) private readonly metrics: ReconcilerMetrics,
  ) {}

  async redrive(window: { start: number; end: number }): Promise<RedriveOutcome> {
    const now = Date.now();
    const report = await this.reconciliation.compute(window, now);
    const orders = new Map(
      (await this.views.receivedIn(window.start, window.end)).map((o) => [o.orderId, o]),
    );
    const skus = [
      ...new Set(
        [...orders.values()].flatMap((o) => o.lines.flatMap((l) => (l.sku === null ? [] : [l.sku]))),
      ),
    ];
    const plan = planRedrive({
      discrepancies: report.discrepancies,
      orders,
      products: await this.odoo.productIds(skus, this.config.reconciliation.odooBatchSize),
      maxOrders: this.config.reconciliation.redriveMaxOrders,
      issuedBy: this.config.service.name,
      issuedAt: now,
      attempt: `${window.start}/${now}`,
    });

    for (const { discrepancy, commands } of plan.redriven) {
      await this.producer.send(
        TOPICS.odooCommands,
        commands.map((command) => ({
          key: command.externalId,
          value: command,
          headers: { [HEADER.messageId]: command.commandId },
        })),
      );
      await this.producer.send(TOPICS.opsAudit, [
        {
          key: discrepancy.partnerId,
          value: {
            auditId: randomUUID(),
            occurredAt: now,
            partnerId: discrepancy.partnerId,
            principal: this.config.service.name,
            action: 'reconciliation.redrive',
            documentType: discrepancy.workflow,
            trackingId: discrepancy.orderId,
            sizeBytes: 0,
            sha256: null,
            outcome: AuditOutcome.Accepted,
            httpStatus: null,
            policy: `${discrepancy.class}; at most ${this.config.reconciliation.redriveMaxOrders} orders a call`,
            reason: `${discrepancy.detail}; commands ${commands.map((c) => c.commandId).join(', ')}`,
            remoteAddress: null,
            count: 1,
          },
        },
      ]);
      this.metrics.redrives.inc({ class: discrepancy.class, outcome: 'redriven' });
    }
    if (plan.forPerson.length > 0) {
      await this.producer.send(
        TOPICS.opsExceptions,
        plan.forPerson.map(({ discrepancy, reason }) => ({
          key: discrepancy.orderId ?? `odoo:${discrepancy.odooIds.join(',')}`,
          value: {
            exceptionId: randomUUID(),
            kind: ExceptionKind.Business,
            code: reason,
            message: `${discrepancy.partnerId}: ${discrepancy.detail}`,
            service: this.config.service.name,
            sourceTopic: TOPICS.ordersState,
            // Raised from a window's reconciliation, not from one consumed record.
            sourcePartition: -1,
            sourceOffset: '',
            sourceKey: discrepancy.orderId,
            partnerId: discrepancy.partnerId,
            correlationId: null,
            details: [
              {
                code: discrepancy.class,
                message: `Odoo sale orders ${discrepancy.odooIds.join(', ')}`,
                location: null,
              },
            ],
            occurredAt: now,
            workflow: discrepancy.workflow,
            documentType: null,
            // The order's later success (orders.state) resolves it in the ops console.
            businessKey: discrepancy.orderId,
            documentId: null,
            documentVersion: null,
            record: null,
          },
        })),
      );
      for (const { discrepancy } of plan.forPerson) {
        this.metrics.redrives.inc({ class: discrepancy.class, outcome: 'for_person' });
      }
    }
    for (const discrepancy of plan.deferred)
      this.metrics.redrives.inc({ class: discrepancy.class, outcome: 'deferred' });
    return {
      redriven: plan.redriven.map(({ discrepancy, commands }) => ({
        orderId: discrepancy.orderId,
        class: discrepancy.class,
        commandIds: commands.map((c) => c.commandId),
      })),
      forPerson: plan.forPerson.map(({ discrepancy, reason }) => ({
        orderId: discrepancy.orderId,
        class: discrepancy.class,
        code: reason,
        odooIds: discrepancy.odooIds,
      })),
      deferred: plan.deferred.length,
    };
  }
}
