// Customer invoices out: per partner with an `invoicing` rule in the catalog, once per batch window,
// every posted invoice and credit note version of its customers not sent yet, in its format (X12 810,
// JSON, CSV), to partners.outbound (partner-delivery delivers it). Exactly once across replicas and
// crashes: one replica runs a partner's window at a time (a PostgreSQL advisory lock), and each invoice
// version's send-ledger row is written in the same transaction as its outbox record, batch by batch, so
// a crash loses at most the uncommitted batch, which the next pass sends. An invoice that fails the tax
// integrity check gets a ledger row `blocked`, an ops.exceptions record with every reason, and nothing
// is sent; a corrected version (a new hash) is checked again.
import { createHash } from 'node:crypto';

import {
  DocumentFormat,
  ExceptionKind,
  type FinanceState,
  FinanceStatus,
  FinanceSubject,
  type OpsException,
  type OutboundDocument,
  TOPICS,
} from '@tradewind/contracts';
import { checkInvoiceIntegrity, type IntegrityFailure } from '@tradewind/finance-settlement';
import type { Logger } from '@tradewind/observability';
import type { PartnerCatalog, PartnerConfig } from '@tradewind/partner-catalog';
import {
  buildCsvInvoice,
  buildJsonInvoice,
  buildX12Invoice,
  type OutboundInvoice,
} from '@tradewind/partner-documents';
import { type OutboxEnqueueRequest, type OutboxWriter, withTransaction } from '@tradewind/persistence';
import type { DataSource, EntityManager } from 'typeorm';

import type { InvoiceBook } from '../book/invoice-book.repository';
import type { BookInvoice } from '../book/odoo-invoices.reader';
import type { InvoicesMetrics } from '../invoices.metrics';
import { headers, uuidFrom } from '../settlement/settlement.service';

export const INVOICE_INTEGRITY = 'INVOICE_INTEGRITY';

export interface ExportOptions {
  readonly serviceName: string;
  readonly batchSize: number;
  /** Tests: runs inside each batch's transaction before it commits (a crash there rolls the batch back). */
  readonly beforeCommit?: (partnerId: string, batch: number) => void;
}

export interface WindowReport {
  readonly partnerId: string;
  readonly windowStart: Date;
  readonly outcome: 'done' | 'already_done' | 'busy';
  readonly sent: number;
  readonly blocked: number;
}

export class InvoiceExportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly book: InvoiceBook,
    private readonly outbox: OutboxWriter,
    private readonly catalog: PartnerCatalog,
    private readonly metrics: InvoicesMetrics,
    private readonly log: Logger,
    private readonly options: ExportOptions,
  ) {}

  /** Every invoiced partner's current window, if it has not run yet. */
  async runDue(now = Date.now()): Promise<WindowReport[]> {
    const reports: WindowReport[] = [];
    for (const partner of this.catalog.invoicedPartners()) {
      const windowMs = partner.invoicing!.batchWindowMinutes * 60_000;
      try {
        reports.push(await this.runWindow(partner, new Date(Math.floor(now / windowMs) * windowMs)));
      } catch (error) {
        this.metrics.exportFailures.inc({ partner: partner.id });
        this.log.warn({ err: error, partner: partner.id }, 'invoice export window failed; retried next pass');
      }
    }
    return reports;
  }

  async runWindow(partner: PartnerConfig, windowStart: Date): Promise<WindowReport> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const lock = `invoices:export:${partner.id}`;
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        lock,
      ])) as { locked: boolean }[];
      if (!locked) return { partnerId: partner.id, windowStart, outcome: 'busy', sent: 0, blocked: 0 };
      try {
        return await this.exportWindow(partner, windowStart);
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lock]);
      }
    } finally {
      await runner.release();
    }
  }

  private async exportWindow(partner: PartnerConfig, windowStart: Date): Promise<WindowReport> {
    const [window] = await this.dataSource.query<{ finished: boolean }[]>(
      `INSERT INTO export_windows (partner_id, window_start) VALUES ($1, $2)
       ON CONFLICT (partner_id, window_start) DO UPDATE SET partner_id = EXCLUDED.partner_id
       RETURNING finished_at IS NOT NULL AS finished`,
      [partner.id, windowStart],
    );
    if (window.finished)
      return { partnerId: partner.id, windowStart, outcome: 'already_done', sent: 0, blocked: 0 };
    const customers = partner.mappingSet ? this.catalog.customersOf(partner.mappingSet) : [];
    const customerIds = customers.map((c) => c.customerId);
    let sent = 0;
    let blocked = 0;
    for (let batch = 1; ; batch++) {
      const done = await withTransaction(this.dataSource, async (manager) => {
        const invoices = await this.book.unsent(manager, customerIds, this.options.batchSize);
        const messages: OutboxEnqueueRequest[] = [];
        for (const invoice of invoices) {
          const failures = checkInvoiceIntegrity(toIntegrity(invoice), {
            currency: partner.defaultCurrency,
            customerIds: new Set(customerIds),
          });
          if (failures.length > 0) {
            blocked += 1;
            messages.push(...this.blockedMessages(partner, invoice, failures));
            await this.ledger(manager, invoice, partner.id, windowStart, 'blocked', failures);
            for (const failure of new Set(failures.map((f) => f.check))) {
              this.metrics.taxMismatches.inc({ partner: partner.id, check: failure });
            }
            this.metrics.exports.inc({ partner: partner.id, outcome: 'blocked' });
          } else {
            sent += 1;
            messages.push(...(await this.sentMessages(manager, partner, invoice)));
            await this.ledger(manager, invoice, partner.id, windowStart, 'sent', []);
            this.metrics.exports.inc({ partner: partner.id, outcome: 'sent' });
          }
        }
        await this.outbox.enqueueAll(manager, messages);
        this.options.beforeCommit?.(partner.id, batch);
        return invoices.length < this.options.batchSize;
      });
      if (done) break;
    }
    await this.dataSource.query(
      `UPDATE export_windows SET finished_at = now(), sent = sent + $3, blocked = blocked + $4
        WHERE partner_id = $1 AND window_start = $2`,
      [partner.id, windowStart, sent, blocked],
    );
    return { partnerId: partner.id, windowStart, outcome: 'done', sent, blocked };
  }

  private async ledger(
    manager: EntityManager,
    invoice: BookInvoice,
    partnerId: string,
    windowStart: Date,
    outcome: 'sent' | 'blocked',
    failures: IntegrityFailure[],
  ): Promise<void> {
    // The primary key (invoice, version) makes a second send of one version fail the whole batch
    await manager.query(
      `INSERT INTO export_ledger (invoice_odoo_id, version_hash, partner_id, window_start, outcome, reason)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        invoice.odooId,
        invoice.versionHash,
        partnerId,
        windowStart,
        outcome,
        failures.length ? failures.map((f) => `${f.where}: ${f.message}`).join('; ') : null,
      ],
    );
  }

  private async sentMessages(
    manager: EntityManager,
    partner: PartnerConfig,
    invoice: BookInvoice,
  ): Promise<OutboxEnqueueRequest[]> {
    const document = toOutbound(invoice);
    const format = partner.invoicing!.format;
    let payload: string;
    let wireFormat: OutboundDocument['format'];
    let contentType: string;
    switch (format) {
      case 'x12-810': {
        const [{ n }] = await manager.query<{ n: string }[]>("SELECT nextval('x12_control_number') AS n");
        const company = this.catalog.companyX12();
        const control = Number(n);
        payload = buildX12Invoice(document, {
          senderQualifier: company?.qualifier ?? 'ZZ',
          senderId: company?.id ?? 'TRADEWIND',
          receiverQualifier: partner.x12?.qualifier ?? 'ZZ',
          receiverId: partner.x12?.id ?? partner.id.toUpperCase().slice(0, 15),
          interchangeControlNumber: control,
          groupControlNumber: control,
          setControlNumber: 1,
          preparedAt: new Date(),
        });
        wireFormat = DocumentFormat.X12;
        contentType = 'application/edi-x12';
        break;
      }
      case 'json':
        payload = buildJsonInvoice(document);
        wireFormat = DocumentFormat.Json;
        contentType = 'application/json';
        break;
      case 'csv':
        payload = buildCsvInvoice(document);
        wireFormat = DocumentFormat.Csv;
        contentType = 'text/csv; charset=utf-8';
        break;
    }
    const outboundId = uuidFrom(`invoice:${partner.id}:${invoice.odooId}:${invoice.versionHash}`);
    const documentType = invoice.moveType === 'out_refund' ? 'credit-note' : 'invoice';
    return [
      {
        topic: TOPICS.partnersOutbound,
        key: partner.id,
        headers: headers(partner.id),
        messageId: outboundId,
        value: {
          outboundId,
          partnerId: partner.id,
          documentType: format === 'x12-810' ? 'x12-810' : documentType,
          format: wireFormat,
          contentType,
          relatesTo: [],
          payload: Buffer.from(payload, 'utf8'),
          createdAt: Date.now(),
          // versions of one invoice are delivered in order, other invoices independently
          orderingKey: `invoice/${invoice.odooId}`,
        } satisfies OutboundDocument,
      },
      this.invoiceState(partner.id, invoice, FinanceStatus.Exported, null),
    ];
  }

  private blockedMessages(
    partner: PartnerConfig,
    invoice: BookInvoice,
    failures: IntegrityFailure[],
  ): OutboxEnqueueRequest[] {
    const key = `invoice/${invoice.odooId}`;
    const exception: OpsException = {
      exceptionId: uuidFrom(`blocked:${invoice.odooId}:${invoice.versionHash}`),
      kind: ExceptionKind.Business,
      code: INVOICE_INTEGRITY,
      message: `${invoice.name} for ${partner.id} was not sent: ${failures.map((f) => `${f.where}: ${f.message}`).join('; ')}`,
      service: this.options.serviceName,
      sourceTopic: TOPICS.financeState,
      // raised by the export schedule, not by one consumed record
      sourcePartition: -1,
      sourceOffset: '',
      sourceKey: key,
      partnerId: partner.id,
      correlationId: null,
      details: failures.map((f) => ({ code: f.check, message: f.message, location: f.where })),
      occurredAt: Date.now(),
      workflow: 'invoice',
      documentType: 'invoice',
      businessKey: key,
      documentId: null,
      documentVersion: null,
      record: null,
    };
    return [
      {
        topic: TOPICS.opsExceptions,
        key,
        headers: headers(partner.id),
        value: exception,
        messageId: exception.exceptionId,
      },
      this.invoiceState(
        partner.id,
        invoice,
        FinanceStatus.ExportBlocked,
        failures.map((f) => f.message).join('; '),
      ),
    ];
  }

  private invoiceState(
    partnerId: string,
    invoice: BookInvoice,
    status: FinanceStatus,
    reason: string | null,
  ): OutboxEnqueueRequest<FinanceState> {
    const key = `invoice/${invoice.odooId}`;
    return {
      topic: TOPICS.financeState,
      key,
      headers: headers(partnerId),
      value: {
        key,
        subject: FinanceSubject.Invoice,
        status,
        partnerId,
        reference: invoice.name,
        currency: invoice.currency,
        amountMinor: invoice.totalMinor,
        residualMinor: invoice.residualMinor,
        rule: null,
        confidence: null,
        invoices: [invoice.name],
        reason,
        // versions of one invoice's state follow Odoo's writes
        version: Date.parse(`${invoice.writeDate.replace(' ', 'T')}Z`) || Date.now(),
        updatedAt: Date.now(),
        purchaseOrder: null,
        differences: [],
        billExternalId: null,
      },
    };
  }
}

const toIntegrity = (invoice: BookInvoice) => ({
  number: invoice.name,
  currency: invoice.currency,
  customerId: invoice.partnerRef,
  untaxedMinor: invoice.untaxedMinor,
  taxMinor: invoice.taxMinor,
  totalMinor: invoice.totalMinor,
  lines: invoice.lines.map((line, index) => ({
    lineNumber: index + 1,
    subtotalMinor: line.subtotalMinor,
    totalMinor: line.totalMinor,
    taxes: line.taxes,
  })),
});

function toOutbound(invoice: BookInvoice): OutboundInvoice {
  return {
    number: invoice.name,
    kind: invoice.moveType === 'out_refund' ? 'credit-note' : 'invoice',
    creditNoteFor: invoice.reversedEntry,
    invoiceDate: invoice.invoiceDate ?? '',
    dueDate: invoice.dueDate,
    currency: invoice.currency,
    customerId: invoice.partnerRef ?? '',
    customerName: invoice.partnerName,
    untaxedMinor: invoice.untaxedMinor,
    taxMinor: invoice.taxMinor,
    totalMinor: invoice.totalMinor,
    lines: invoice.lines.map((line, index) => ({
      lineNumber: index + 1,
      sku: line.sku,
      description: line.description,
      quantity: line.quantity,
      unitPrice: line.priceUnit,
      subtotalMinor: line.subtotalMinor,
      taxMinor: line.totalMinor - line.subtotalMinor,
      totalMinor: line.totalMinor,
      taxRates: line.taxes.filter((t) => t.amountType === 'percent').map((t) => t.rate),
    })),
  };
}

export const versionDigest = (text: string): string => createHash('sha256').update(text).digest('hex');
