// Consumes ingress.documents: the settlement documents (bank statements, gateway payouts) among them,
// matched against the open invoices, and the suppliers' invoices, matched three ways and billed
// (supplier-bills.service.ts); other document types belong to other services and are skipped.
// A document that does not parse is a business exception with every problem located; one seen before
// (same partner and statement or payout id, whatever the message) changes nothing. Only the systems of
// record of settlements (the catalog's banks and payment gateways) may send them.
import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, type TopicValueMap } from '@tradewind/contracts';
import { BusinessRuleError, type ConsumedRecord, HEADER } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';
import type { PartnerCatalog } from '@tradewind/partner-catalog';
import {
  INVOICING_DOCUMENT_FORMATS,
  InvoicingDocumentType,
  isInvoicingDocumentType,
  isSettlementDocumentType,
  readSupplierInvoices,
} from '@tradewind/partner-documents';

import { InvoicesMetrics } from '../invoices.metrics';
import { PARTNER_CATALOG } from '../invoices.tokens';
import { SupplierBillsService, SupplierInvoiceExceptionCode } from '../supplier-bills/supplier-bills.service';
import { SettlementExceptionCode, SettlementService } from './settlement.service';
import { readSettlementDocument } from './settlement-document.reader';

const SUPPLIER_INVOICE_FORMATS = INVOICING_DOCUMENT_FORMATS[InvoicingDocumentType.SupplierInvoice];

export type IngressDocumentsValue = TopicValueMap[typeof TOPICS.ingressDocuments];

@Injectable()
export class SettlementDocumentsConsumer {
  constructor(
    @Inject(SettlementService) private readonly settlement: SettlementService,
    @Inject(InvoicesMetrics) private readonly metrics: InvoicesMetrics,
    @Inject(PARTNER_CATALOG) private readonly catalog: PartnerCatalog,
    @Inject(SupplierBillsService) private readonly bills: SupplierBillsService,
  ) {}

  @KafkaHandler(TOPICS.ingressDocuments, { settings: 'ingressDocuments' })
  async handle(record: ConsumedRecord<IngressDocumentsValue>): Promise<void> {
    const value = record.value;
    const type = value.documentType;
    if (isInvoicingDocumentType(type)) return this.supplierInvoice(record);
    if (!isSettlementDocumentType(type)) return;
    // The gateway refuses non-owners already; the platform enforces it again where cash is matched.
    const violation = this.catalog.ownershipViolation(value.partnerId, type);
    if (violation !== undefined) {
      this.metrics.settlementDocuments.inc({ type, outcome: 'refused' });
      throw new BusinessRuleError(
        SettlementExceptionCode.NotSystemOfRecord,
        `${value.partnerId} sent ${type} ${value.documentId}, but ${violation.owner} owns ${violation.domain}: nothing matched`,
      );
    }
    if (value.payload === null) {
      throw new BusinessRuleError(
        SettlementExceptionCode.InvalidDocument,
        `${value.partnerId} ${type} ${value.documentId}: no payload inline (claim checks are not read here)`,
      );
    }
    const parsed = readSettlementDocument(type, value.contentType, value.payload);
    if (!parsed.ok) {
      this.metrics.settlementDocuments.inc({ type, outcome: 'refused' });
      throw new BusinessRuleError(
        SettlementExceptionCode.InvalidDocument,
        `${value.partnerId} ${type} ${value.documentId}: ${parsed.problems.length} problem(s), nothing matched`,
        parsed.problems.map((p) => ({ code: p.code, message: p.message, location: p.location })),
      );
    }
    const report = await this.settlement.settle({
      partnerId: value.partnerId,
      documentType: type,
      messageId: record.headers[HEADER.messageId] ?? `${record.topic}/${record.partition}/${record.offset}`,
      document: parsed.document,
      source: { topic: record.topic, partition: record.partition, offset: record.offset, key: record.key },
    });
    this.metrics.settlementDocuments.inc({ type, outcome: report.duplicate ? 'duplicate' : 'settled' });
  }

  private async supplierInvoice(record: ConsumedRecord<IngressDocumentsValue>): Promise<void> {
    const value = record.value;
    const violation = this.catalog.ownershipViolation(value.partnerId, value.documentType);
    if (violation !== undefined) {
      this.metrics.supplierInvoices.inc({ outcome: 'refused' });
      throw new BusinessRuleError(
        SupplierInvoiceExceptionCode.NotSystemOfRecord,
        `${value.partnerId} sent ${value.documentType} ${value.documentId}, but ${violation.owner} owns ${violation.domain}: nothing billed`,
      );
    }
    const format = SUPPLIER_INVOICE_FORMATS.find((f) => f === value.format);
    const parsed =
      value.payload === null || format === undefined
        ? undefined
        : readSupplierInvoices(format, value.payload);
    if (parsed === undefined || !parsed.ok) {
      this.metrics.supplierInvoices.inc({ outcome: 'refused' });
      throw new BusinessRuleError(
        SupplierInvoiceExceptionCode.InvalidDocument,
        `${value.partnerId} supplier-invoice ${value.documentId}: ${parsed === undefined ? `no readable payload (${value.format})` : `${parsed.problems.length} problem(s)`}, nothing billed`,
        parsed === undefined || parsed.ok
          ? []
          : parsed.problems.map((p) => ({ code: p.code, message: p.message, location: p.location })),
      );
    }
    await this.bills.receive({
      partnerId: value.partnerId,
      messageId: record.headers[HEADER.messageId] ?? `${record.topic}/${record.partition}/${record.offset}`,
      documentId: value.documentId,
      invoices: parsed.invoices,
      source: { topic: record.topic, partition: record.partition, offset: record.offset, key: record.key },
    });
  }
}
