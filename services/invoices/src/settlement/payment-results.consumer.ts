// Consumes odoo.results for the payments and vendor bills this service asked for: a bill Odoo wrote or
// refused (`tradewind.bill_…`) is handed to the bills (supplier-bills.service.ts: posted or refused). For payments (`tradewind.pay_…`): a
// payment Odoo refused (the invoice was cancelled, paid by hand meanwhile) releases its allocations, so
// the invoice's open amount is Odoo's again, and the entry becomes unmatched: an exception names it and
// the unmatched-cash alert counts it. A payment written or already done changes nothing here.
import { Inject, Injectable } from '@nestjs/common';
import {
  CommandType,
  ExceptionKind,
  FinanceStatus,
  FinanceSubject,
  ResultOutcome,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';
import { OutboxWriter, withTransaction } from '@tradewind/persistence';
import { DataSource } from 'typeorm';

import type { InvoicesConfig } from '../invoices.config';
import { INVOICES_CONFIG } from '../invoices.tokens';
import { SupplierBillsService } from '../supplier-bills/supplier-bills.service';
import { headers, SettlementExceptionCode, uuidFrom } from './settlement.service';

type OdooResultValue = TopicValueMap[typeof TOPICS.odooResults];

interface RefusedEntry {
  partner_id: string;
  document_id: string;
  entry_id: string;
  amount_minor: string;
  currency: string;
}

@Injectable()
export class PaymentResultsConsumer {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OutboxWriter) private readonly outbox: OutboxWriter,
    @Inject(INVOICES_CONFIG) private readonly config: InvoicesConfig,
    @Inject(SupplierBillsService) private readonly bills: SupplierBillsService,
  ) {}

  @KafkaHandler(TOPICS.odooResults, { settings: 'odooResults' })
  async handle(record: ConsumedRecord<OdooResultValue>): Promise<void> {
    const result = record.value;
    if (
      result.type === CommandType.CreateVendorBill &&
      result.externalId.startsWith('tradewind.bill_') &&
      (result.outcome === ResultOutcome.Written || result.outcome === ResultOutcome.AlreadyDone)
    ) {
      await this.bills.billPosted(result);
      return;
    }
    if (result.outcome !== ResultOutcome.BusinessError && result.outcome !== ResultOutcome.TechnicalError)
      return;
    if (result.type === CommandType.CreateVendorBill && result.externalId.startsWith('tradewind.bill_')) {
      await this.bills.billRefused(result, {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        key: record.key,
      });
      return;
    }
    if (result.type !== CommandType.RegisterPayment || !result.externalId.startsWith('tradewind.pay_'))
      return;
    await withTransaction(this.dataSource, async (manager) => {
      // an UPDATE answers [rows, affected count] through typeorm's postgres driver
      const [released] = await manager.query<[unknown[], number]>(
        `UPDATE payment_allocations SET refused = true WHERE payment_xid = $1 AND NOT refused RETURNING 1`,
        [result.externalId],
      );
      if (released.length === 0) return; // another service's payment, or released before
      const [[entry]] = await manager.query<[RefusedEntry[], number]>(
        `UPDATE settlement_entries SET decision = 'unmatched', reason = $2
          WHERE payment_xid = $1
          RETURNING partner_id, document_id, entry_id, amount_minor, currency`,
        [result.externalId, `Odoo refused the payment: ${result.errorMessage ?? result.outcome}`],
      );
      if (!entry) return;
      const key = `settlement/${entry.partner_id}/${entry.document_id}/${entry.entry_id}`;
      const at = Date.now();
      await this.outbox.enqueueAll(manager, [
        {
          topic: TOPICS.opsExceptions,
          key,
          headers: headers(entry.partner_id),
          messageId: uuidFrom(`refused:${result.externalId}`),
          value: {
            exceptionId: uuidFrom(`refused:${result.externalId}`),
            kind: ExceptionKind.Business,
            code: SettlementExceptionCode.Unmatched,
            message: `${key}: Odoo refused the payment ${result.externalId}: ${result.errorMessage ?? result.outcome}`,
            service: this.config.service.name,
            sourceTopic: record.topic,
            sourcePartition: record.partition,
            sourceOffset: record.offset,
            sourceKey: record.key,
            partnerId: entry.partner_id,
            correlationId: null,
            details: [
              {
                code: result.errorClass ?? result.outcome,
                message: result.errorMessage ?? '',
                location: null,
              },
            ],
            occurredAt: at,
          },
        },
        {
          topic: TOPICS.financeState,
          key,
          headers: headers(entry.partner_id),
          value: {
            key,
            subject: FinanceSubject.SettlementEntry,
            status: FinanceStatus.Unmatched,
            partnerId: entry.partner_id,
            reference: entry.entry_id,
            currency: entry.currency,
            amountMinor: Number(entry.amount_minor),
            residualMinor: null,
            rule: null,
            confidence: null,
            invoices: [],
            reason: `Odoo refused the payment: ${result.errorMessage ?? result.outcome}`,
            version: 2,
            updatedAt: at,
            purchaseOrder: null,
            differences: [],
            billExternalId: null,
          },
        },
      ]);
    });
  }
}
