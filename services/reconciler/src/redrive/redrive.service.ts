// A window's governed re-drive. Reconciled afresh, each repairable discrepancy is planned as commands on
// odoo.commands (the odoo-writer writes, order-intake follows its results); what a person must decide goes
// to ops.exceptions at once. Then, in the background: a canary (one order) first, and the rest only after
// Odoo answered the canary with success on odoo.results; rate limited (RECONCILER_REDRIVE_RATE); held while
// an odoo-writer's breaker is not closed; each order sent audited on ops.audit. The re-drive and each
// command's answer are stored (`redrives`, `redrive_commands`), so any replica can report its progress.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  AuditOutcome,
  ExceptionKind,
  type OdooCommand,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import { HEADER, TypedProducer } from '@tradewind/messaging';
import { createLogger } from '@tradewind/observability';

import type { OdooSaleOrdersReader } from '../odoo/odoo-sale-orders.reader';
import type { ReconcilerConfig } from '../reconciler.config';
import { ReconcilerMetrics } from '../reconciler.metrics';
import { ODOO_SALE_ORDERS, RECONCILER_CONFIG, REDRIVE_STORE, WRITER_BREAKER } from '../reconciler.tokens';
import { FINANCE_WORKFLOWS } from '../reconciliation/finance.reconciliation';
import {
  type Discrepancy,
  PURCHASE_ORDER_WORKFLOW,
  SHIPMENT_WORKFLOW,
} from '../reconciliation/reconciliation';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { planRedrive } from './redrive.planner';
import { RedriveStatus, type RedriveStore, type RedriveSummary, SUCCESS_OUTCOMES } from './redrive.store';
import type { WriterBreaker } from './writer-breaker';

export interface RedriveOutcome {
  readonly redriveId: string;
  readonly status: RedriveStatus;
  /** Planned in this order; the first is the canary. */
  readonly redriven: readonly { orderId: string | null; class: string; commandIds: string[] }[];
  readonly forPerson: readonly {
    orderId: string | null;
    class: string;
    code: string;
    odooIds: readonly number[];
  }[];
  readonly deferred: number;
}

interface PlannedOrder {
  readonly discrepancy: Discrepancy;
  readonly commands: readonly OdooCommand[];
}

class ShuttingDown extends Error {}

@Injectable()
export class RedriveService implements OnModuleDestroy {
  private readonly log = createLogger(RedriveService.name);
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(
    @Inject(RECONCILER_CONFIG) private readonly config: ReconcilerConfig,
    @Inject(ReconciliationService) private readonly reconciliation: ReconciliationService,
    @Inject(ODOO_SALE_ORDERS) private readonly odoo: OdooSaleOrdersReader,
    @Inject(TypedProducer) private readonly producer: TypedProducer<TopicValueMap>,
    @Inject(ReconcilerMetrics) private readonly metrics: ReconcilerMetrics,
    @Inject(REDRIVE_STORE) private readonly store: RedriveStore,
    @Inject(WRITER_BREAKER) private readonly breaker: WriterBreaker,
  ) {}

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running.values()]);
  }

  /** Plans the window's re-drive (optionally one partner's), raises what is a person's, starts sending. */
  async redrive(window: { start: number; end: number }, partnerId?: string): Promise<RedriveOutcome> {
    const now = Date.now();
    const report = await this.reconciliation.compute(window, now);
    const orders = new Map((await this.reconciliation.ordersIn(window)).map((o) => [o.orderId, o]));
    const skus = [
      ...new Set(
        [...orders.values()].flatMap((o) => o.lines.flatMap((l) => (l.sku === null ? [] : [l.sku]))),
      ),
    ];
    const redriveId = randomUUID();
    const plan = planRedrive({
      discrepancies: report.discrepancies.filter((d) => partnerId === undefined || d.partnerId === partnerId),
      orders,
      products: await this.odoo.productIds(skus, this.config.reconciliation.odooBatchSize),
      maxOrders: this.config.reconciliation.redriveMaxOrders,
      issuedBy: this.config.service.name,
      issuedAt: now,
      attempt: `${window.start}/${redriveId}`,
    });
    const status = plan.redriven.length === 0 ? RedriveStatus.Nothing : RedriveStatus.Canary;
    await this.store.create({
      redriveId,
      windowStart: window.start,
      partnerId: partnerId ?? null,
      status,
      planned: plan.redriven.length,
      forPerson: plan.forPerson.length,
      deferred: plan.deferred.length,
      commands: plan.redriven.flatMap(({ discrepancy, commands }, index) =>
        commands.map((command) => ({
          commandId: command.commandId,
          orderId: discrepancy.orderId ?? '',
          class: discrepancy.class,
          commandType: command.type,
          canary: index === 0,
        })),
      ),
    });

    if (plan.forPerson.length > 0) await this.raiseForPerson(plan.forPerson, now);
    for (const discrepancy of plan.deferred)
      this.metrics.redrives.inc({ class: discrepancy.class, outcome: 'deferred' });
    if (plan.redriven.length > 0) {
      const job = this.execute(redriveId, window, plan.redriven).finally(() =>
        this.running.delete(redriveId),
      );
      this.running.set(redriveId, job);
    }
    return {
      redriveId,
      status,
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

  summary(redriveId: string): Promise<RedriveSummary | undefined> {
    return this.store.summary(redriveId);
  }

  /** Waits for a re-drive started by this process to finish sending (tests, shutdown). */
  async settled(redriveId: string): Promise<void> {
    await this.running.get(redriveId);
  }

  private async execute(
    redriveId: string,
    window: { start: number },
    orders: readonly PlannedOrder[],
  ): Promise<void> {
    const gap = 1000 / this.config.reconciliation.redriveRatePerSecond;
    try {
      for (const [index, order] of orders.entries()) {
        const canary = index === 0;
        await this.untilBreakerClosed(redriveId, canary ? RedriveStatus.Canary : RedriveStatus.Running);
        await this.send(redriveId, window, order, canary);
        if (canary) {
          const failure = await this.awaitCanary(redriveId, order);
          if (failure !== undefined) {
            await this.stop(redriveId, order, orders.slice(1), failure);
            return;
          }
          if (orders.length > 1) await this.store.setStatus(redriveId, RedriveStatus.Running);
        } else {
          await this.pause(gap);
        }
      }
      await this.store.setStatus(redriveId, RedriveStatus.Sent);
      this.log.info({ redriveId, orders: orders.length }, 're-drive sent');
    } catch (error) {
      if (error instanceof ShuttingDown) {
        await this.store
          .setStatus(redriveId, RedriveStatus.Stopped, 'the reconciler stopped before every order was sent')
          .catch(() => undefined);
        return;
      }
      this.log.error({ err: error, redriveId }, 're-drive failed');
      await this.store
        .setStatus(redriveId, RedriveStatus.Stopped, error instanceof Error ? error.message : String(error))
        .catch(() => undefined);
    } finally {
      this.metrics.redrivePaused.set(0);
    }
  }

  private async pause(ms: number): Promise<void> {
    if (this.stopping) throw new ShuttingDown();
    await sleep(ms);
    if (this.stopping) throw new ShuttingDown();
  }

  /** Holds the re-drive while a writer's breaker is not closed; the status says so. */
  private async untilBreakerClosed(redriveId: string, resume: RedriveStatus): Promise<void> {
    let paused = false;
    for (;;) {
      const reading = await this.breaker.read();
      if (reading.state === 'closed') {
        if (paused) {
          this.metrics.redrivePaused.set(0);
          await this.store.setStatus(redriveId, resume);
          this.log.info({ redriveId }, "re-drive resumed: the writers' breakers are closed");
        }
        return;
      }
      if (!paused) {
        paused = true;
        this.metrics.redrivePaused.set(1);
        await this.store.setStatus(redriveId, RedriveStatus.Paused, `odoo-writer breaker ${reading.detail}`);
        this.log.warn({ redriveId, breaker: reading.detail }, "re-drive paused: an odoo-writer's breaker");
      }
      await this.pause(this.config.reconciliation.breakerPollMs);
    }
  }

  /**
   * Odoo's answer to the canary's commands: undefined when each succeeded, else why not. Time spent
   * while a breaker is open does not count against RECONCILER_REDRIVE_CANARY_TIMEOUT.
   */
  private async awaitCanary(redriveId: string, order: PlannedOrder): Promise<string | undefined> {
    const ids = order.commands.map((c) => c.commandId);
    let budget = this.config.reconciliation.canaryTimeoutMs;
    const poll = 250;
    for (;;) {
      const answers = await this.store.outcomes(ids);
      const failed = [...answers.entries()].find(([, a]) => !SUCCESS_OUTCOMES.has(a.outcome));
      if (failed !== undefined) {
        return `canary ${order.discrepancy.orderId}: ${failed[1].outcome} ${failed[1].error ?? ''}`.trim();
      }
      if (answers.size === ids.length) return undefined;
      if (budget <= 0) {
        return `canary ${order.discrepancy.orderId}: no answer on odoo.results within ${this.config.reconciliation.canaryTimeoutMs} ms`;
      }
      const reading = await this.breaker.read();
      if (reading.state !== 'closed') {
        await this.untilBreakerClosed(redriveId, RedriveStatus.Canary);
      } else {
        await this.pause(poll);
        budget -= poll;
      }
    }
  }

  private async send(
    redriveId: string,
    window: { start: number },
    { discrepancy, commands }: PlannedOrder,
    canary: boolean,
  ): Promise<void> {
    await this.producer.send(
      TOPICS.odooCommands,
      commands.map((command) => ({
        key: command.externalId,
        value: command,
        headers: { [HEADER.messageId]: command.commandId, [HEADER.redriveId]: redriveId },
      })),
    );
    await this.store.markSent(commands.map((c) => c.commandId));
    await this.audit(discrepancy, AuditOutcome.Accepted, {
      policy: `${canary ? 'canary, ' : ''}${discrepancy.class}; at most ${this.config.reconciliation.redriveMaxOrders} orders a call, ${this.config.reconciliation.redriveRatePerSecond}/s after the canary`,
      reason: `re-drive ${redriveId} of window ${new Date(window.start).toISOString()}: ${discrepancy.detail}; commands ${commands.map((c) => c.commandId).join(', ')}`,
    });
    this.metrics.redrives.inc({ class: discrepancy.class, outcome: 'redriven' });
  }

  /** The canary failed: nothing else is sent; the stop is audited and raised for a person. */
  private async stop(
    redriveId: string,
    canary: PlannedOrder,
    rest: readonly PlannedOrder[],
    why: string,
  ): Promise<void> {
    await this.store.setStatus(redriveId, RedriveStatus.Stopped, why);
    this.log.warn({ redriveId, why, held: rest.length }, 're-drive stopped after its canary');
    await this.audit(canary.discrepancy, AuditOutcome.Rejected, {
      policy: 'canary first: the rest only after its success on odoo.results',
      reason: `re-drive ${redriveId} stopped, ${rest.length} orders not sent: ${why}`,
    });
    for (const order of rest)
      this.metrics.redrives.inc({ class: order.discrepancy.class, outcome: 'stopped' });
  }

  private async audit(
    discrepancy: Discrepancy,
    outcome: AuditOutcome,
    text: { policy: string; reason: string },
  ): Promise<void> {
    await this.producer.send(TOPICS.opsAudit, [
      {
        key: discrepancy.partnerId,
        value: {
          auditId: randomUUID(),
          occurredAt: Date.now(),
          partnerId: discrepancy.partnerId,
          principal: this.config.service.name,
          action: 'reconciliation.redrive',
          documentType: discrepancy.workflow,
          trackingId: discrepancy.orderId,
          sizeBytes: 0,
          sha256: null,
          outcome,
          httpStatus: null,
          policy: text.policy,
          reason: text.reason,
          remoteAddress: null,
          count: 1,
        },
      },
    ]);
  }

  private async raiseForPerson(
    forPerson: readonly { discrepancy: Discrepancy; reason: string }[],
    now: number,
  ): Promise<void> {
    await this.producer.send(
      TOPICS.opsExceptions,
      forPerson.map(({ discrepancy, reason }) => {
        const source = sourceOf(discrepancy.workflow);
        return {
          // One key per thing a person decides on: the order, the Odoo records, or the gateway's document.
          key:
            discrepancy.orderId ??
            (discrepancy.documentId === undefined
              ? `odoo:${discrepancy.odooIds.join(',')}`
              : `document:${discrepancy.documentId}`),
          value: {
            exceptionId: randomUUID(),
            kind: ExceptionKind.Business,
            code: reason,
            message: `${discrepancy.partnerId}: ${discrepancy.detail}`,
            service: this.config.service.name,
            // A document the gateway accepted and no platform state names: its record is the gateway's.
            sourceTopic: discrepancy.documentId === undefined ? source.topic : TOPICS.ingressDocuments,
            // Raised from a window's reconciliation, not from one consumed record.
            sourcePartition: -1,
            sourceOffset: '',
            sourceKey: discrepancy.orderId,
            partnerId: discrepancy.partnerId,
            correlationId: discrepancy.documentId ?? null,
            details: [
              {
                code: discrepancy.class,
                message: `Odoo ${source.records} ${discrepancy.odooIds.join(', ') || '(none)'}`,
                location: null,
              },
            ],
            occurredAt: now,
            workflow: discrepancy.workflow,
            documentType: null,
            // The order's later success (orders.state) resolves it in the ops console.
            businessKey: discrepancy.orderId,
            documentId: discrepancy.documentId ?? null,
            documentVersion: null,
            record: null,
          },
        };
      }),
    );
    for (const { discrepancy } of forPerson)
      this.metrics.redrives.inc({ class: discrepancy.class, outcome: 'for_person' });
  }
}

/** The state topic a workflow's discrepancies come from, and what its Odoo records are. */
function sourceOf(workflow: string): { topic: string; records: string } {
  if (FINANCE_WORKFLOWS.has(workflow)) return { topic: TOPICS.financeState, records: 'journal entries' };
  if (workflow === PURCHASE_ORDER_WORKFLOW)
    return { topic: TOPICS.purchasingState, records: 'purchase orders' };
  if (workflow === SHIPMENT_WORKFLOW) return { topic: TOPICS.shipmentsState, records: 'deliveries' };
  return { topic: TOPICS.ordersState, records: 'sale orders' };
}
