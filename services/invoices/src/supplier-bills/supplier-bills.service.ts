// Supplier invoices in: each invoice of a supplier's document matched three ways (purchase order,
// receipt, price tolerance) and decided in one PostgreSQL transaction per invoice, under a lock on its
// purchase order: the invoice once per (supplier, invoice number), and in the outbox either one
// create_vendor_bill command (keyed by a bill external id derived from the supplier and its invoice
// number: a replay is the same command, and the odoo-writer creates the bill once) or one ops.exceptions
// record listing every difference, with nothing for Odoo. An invoice number seen before in another
// message is a SUPPLIER_INVOICE_DUPLICATE exception; the same message delivered again changes nothing.
// Each decision puts the invoice's state on finance.state in the same transaction (billed, or held
// with its differences; refused or posted when the odoo-writer's result says so), keyed
// `supplier-invoice/<partner>/<number>` so compaction keeps its latest; a number sent again in another
// document is a duplicate state of its own key, which never hides the first invoice's.
import { createHash } from 'node:crypto';

import {
  CommandType,
  ExceptionKind,
  type FinanceState,
  FinanceStatus,
  FinanceSubject,
  NO_COMMAND_BODY,
  type OdooCommand,
  type OpsException,
  TOPICS,
} from '@tradewind/contracts';
import { BusinessRuleError } from '@tradewind/messaging';
import { currentCorrelation } from '@tradewind/observability';
import {
  invoiceToleranceOf,
  type PartnerCatalog,
  type PartnerConfig,
  supplierUnitOf,
} from '@tradewind/partner-catalog';
import { currencyExponent, formatLocation, type SupplierInvoice } from '@tradewind/partner-documents';
import { type OutboxEnqueueRequest, type OutboxWriter, withTransaction } from '@tradewind/persistence';
import Decimal from 'decimal.js';
import type { DataSource, EntityManager } from 'typeorm';

import type { InvoicesMetrics } from '../invoices.metrics';
import { headers, uuidFrom } from '../settlement/settlement.service';
import type { OdooPurchaseOrdersReader, PurchaseOrderSnapshot } from './odoo-purchase-orders.reader';
import { describeDifference, threeWayMatch } from './three-way-match';

export const SupplierInvoiceExceptionCode = {
  Mismatch: 'SUPPLIER_INVOICE_MISMATCH',
  Duplicate: 'SUPPLIER_INVOICE_DUPLICATE',
  InvalidDocument: 'SUPPLIER_INVOICE_INVALID',
  NotSystemOfRecord: 'NOT_SYSTEM_OF_RECORD',
  /** Odoo refused the vendor bill of a matched invoice (the order cancelled or locked meanwhile). */
  BillRefused: 'SUPPLIER_BILL_REFUSED',
} as const;

export interface SupplierInvoicesInput {
  readonly partnerId: string;
  readonly messageId: string;
  /** The gateway's tracking id of the document. */
  readonly documentId: string;
  readonly invoices: readonly SupplierInvoice[];
  readonly source: { topic: string; partition: number; offset: string; key: string | null };
}

export type SupplierInvoiceOutcome = 'billed' | 'held' | 'duplicate' | 'redelivered';

/** The vendor bill's Odoo external id: one per supplier invoice number, so a replay is the same bill. */
export function billExternalId(partnerId: string, invoiceNumber: string): string {
  const digest = createHash('sha256').update(`${partnerId}\u0000${invoiceNumber}`).digest('hex');
  return `tradewind.bill_${digest.slice(0, 24)}`;
}

/** The compacted key of a supplier invoice's state on finance.state (and of its exceptions). */
export function supplierInvoiceKey(partnerId: string, invoiceNumber: string): string {
  return `supplier-invoice/${partnerId}/${invoiceNumber}`;
}

/** Σ quantity × unit price in minor units of the currency (half-up at the currency's exponent). */
export function amountMinorOf(
  lines: readonly { quantity: number; price: string | number }[],
  currency: string,
): number {
  const exponent = currencyExponent(currency);
  const total = lines.reduce(
    (sum, line) => sum.plus(new Decimal(line.quantity).times(new Decimal(line.price))),
    new Decimal(0),
  );
  return total.times(new Decimal(10).pow(exponent)).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();
}

interface SupplierInvoiceRow {
  partner_id: string;
  invoice_number: string;
  po_number: string;
  document_id: string;
  amount_minor: string | null;
  currency: string | null;
}

interface SeenInvoice {
  message_id: string;
  decision: string;
  received_at: Date;
}

export class SupplierBillsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly odoo: OdooPurchaseOrdersReader,
    private readonly catalog: PartnerCatalog,
    private readonly metrics: InvoicesMetrics,
    private readonly options: { serviceName: string; commandsTopic: string },
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Decides every invoice of the document; throws a BusinessRuleError naming the duplicates, if any. */
  async receive(input: SupplierInvoicesInput): Promise<SupplierInvoiceOutcome[]> {
    const partner = this.catalog.partner(input.partnerId);
    const vendorRef = partner?.purchasing?.odooVendorRef;
    const vendorId = vendorRef === undefined ? undefined : await this.odoo.partnerIdOf(vendorRef);
    const outcomes: SupplierInvoiceOutcome[] = [];
    const duplicates: { invoice: SupplierInvoice; seen: SeenInvoice }[] = [];
    for (const invoice of input.invoices) {
      const seen = await this.seen(this.dataSource.manager, input.partnerId, invoice.invoiceNumber);
      let outcome: SupplierInvoiceOutcome;
      if (seen !== undefined) {
        outcome = seen.message_id === input.messageId ? 'redelivered' : 'duplicate';
        if (outcome === 'duplicate') duplicates.push({ invoice, seen });
      } else {
        // Odoo is read outside the transaction; what our own bills in flight bill is read under the lock.
        const order = await this.odoo.order(invoice.poNumber);
        outcome = await withTransaction(
          this.dataSource,
          (manager) => this.decide(manager, input, partner, vendorId, invoice, order),
          { maxAttempts: 3 },
        );
        if (outcome === 'duplicate') {
          const again = await this.seen(this.dataSource.manager, input.partnerId, invoice.invoiceNumber);
          if (again !== undefined && again.message_id === input.messageId) outcome = 'redelivered';
          else if (again !== undefined) duplicates.push({ invoice, seen: again });
        }
      }
      this.metrics.supplierInvoices.inc({ outcome });
      outcomes.push(outcome);
    }
    if (duplicates.length > 0) {
      await this.duplicateStates(input, duplicates);
      throw new BusinessRuleError(
        SupplierInvoiceExceptionCode.Duplicate,
        `${input.partnerId} sent ${duplicates.map((d) => d.invoice.invoiceNumber).join(', ')} again: nothing billed twice`,
        duplicates.map(({ invoice, seen }) => ({
          code: 'duplicate',
          message: `invoice ${invoice.invoiceNumber} (PO ${invoice.poNumber}) was first received ${seen.received_at.toISOString()} and ${seen.decision}`,
          location: formatLocation(invoice.at),
        })),
      );
    }
    return outcomes;
  }

  /**
   * Odoo refused a bill this service asked for: its quantities no longer count as billed, the invoice is
   * marked refused, and an exception says why. A bill of another service, or one released before, is ignored.
   */
  async billRefused(
    result: { externalId: string; outcome: string; errorClass: string | null; errorMessage: string | null },
    source: SupplierInvoicesInput['source'],
  ): Promise<boolean> {
    return withTransaction(this.dataSource, async (manager) => {
      // an UPDATE answers [rows, affected count] through typeorm's postgres driver
      const [released] = await manager.query<[unknown[], number]>(
        'UPDATE bill_lines SET refused = true WHERE bill_xid = $1 AND NOT refused RETURNING 1',
        [result.externalId],
      );
      if (released.length === 0) return false;
      const [[invoice]] = await manager.query<[SupplierInvoiceRow[], number]>(
        `UPDATE supplier_invoices SET decision = 'refused' WHERE bill_xid = $1
          RETURNING partner_id, invoice_number, po_number, document_id, amount_minor, currency`,
        [result.externalId],
      );
      if (!invoice) return false;
      const key = supplierInvoiceKey(invoice.partner_id, invoice.invoice_number);
      const reason = result.errorMessage ?? result.outcome;
      const exception: OpsException = {
        exceptionId: uuidFrom(`refused:${result.externalId}`),
        kind: ExceptionKind.Business,
        code: SupplierInvoiceExceptionCode.BillRefused,
        message: `${invoice.partner_id} invoice ${invoice.invoice_number} for ${invoice.po_number}: Odoo refused its vendor bill ${result.externalId}: ${reason}`,
        service: this.options.serviceName,
        sourceTopic: source.topic,
        sourcePartition: source.partition,
        sourceOffset: source.offset,
        sourceKey: source.key,
        partnerId: invoice.partner_id,
        correlationId: currentCorrelation()?.correlationId ?? null,
        details: [{ code: result.errorClass ?? result.outcome, message: reason, location: null }],
        occurredAt: this.now(),
        workflow: 'invoice',
        documentType: 'supplier-invoice',
        businessKey: key,
        documentId: invoice.document_id,
        documentVersion: null,
        record: null,
      };
      await this.outbox.enqueueAll<unknown>(manager, [
        {
          topic: TOPICS.opsExceptions,
          key,
          value: exception,
          headers: headers(invoice.partner_id),
          messageId: uuidFrom(`refused:${result.externalId}`),
        },
        this.stateMessage(invoice, FinanceStatus.Refused, 2, {
          billExternalId: result.externalId,
          reason: `Odoo refused the vendor bill: ${reason}`,
        }),
      ]);
      this.metrics.supplierInvoices.inc({ outcome: 'refused_by_odoo' });
      return true;
    });
  }

  /**
   * The odoo-writer wrote (or had written) a bill this service asked for, posted as the command asked:
   * the invoice's state becomes posted, once. A bill of another service, or a refused one, is ignored.
   */
  async billPosted(result: { externalId: string }): Promise<boolean> {
    return withTransaction(this.dataSource, async (manager) => {
      const [[invoice]] = await manager.query<[SupplierInvoiceRow[], number]>(
        `UPDATE supplier_invoices SET posted_at = now()
          WHERE bill_xid = $1 AND decision = 'billed' AND posted_at IS NULL
          RETURNING partner_id, invoice_number, po_number, document_id, amount_minor, currency`,
        [result.externalId],
      );
      if (!invoice) return false;
      await this.outbox.enqueueAll(manager, [
        this.stateMessage(invoice, FinanceStatus.Posted, 2, { billExternalId: result.externalId }),
      ]);
      this.metrics.supplierInvoices.inc({ outcome: 'posted' });
      return true;
    });
  }

  /** One duplicate state per document that sent a known number again, however often it is delivered. */
  private async duplicateStates(
    input: SupplierInvoicesInput,
    duplicates: readonly { invoice: SupplierInvoice; seen: SeenInvoice }[],
  ): Promise<void> {
    const partner = this.catalog.partner(input.partnerId);
    await withTransaction(this.dataSource, async (manager) => {
      const messages: OutboxEnqueueRequest[] = [];
      for (const { invoice, seen } of duplicates) {
        const fresh = await manager.query<unknown[]>(
          `INSERT INTO supplier_invoice_duplicates (partner_id, invoice_number, document_id)
           VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
          [input.partnerId, invoice.invoiceNumber, input.documentId],
        );
        if (fresh.length === 0) continue;
        const currency = invoice.currency ?? partner?.defaultCurrency ?? 'USD';
        messages.push(
          this.stateMessage(
            {
              partner_id: input.partnerId,
              invoice_number: invoice.invoiceNumber,
              po_number: invoice.poNumber,
              document_id: input.documentId,
              amount_minor: String(invoiceAmountMinor(invoice, currency)),
              currency,
            },
            FinanceStatus.Duplicate,
            1,
            {
              key: `${supplierInvoiceKey(input.partnerId, invoice.invoiceNumber)}/duplicate/${input.documentId}`,
              reason: `first received ${seen.received_at.toISOString()} and ${seen.decision}: nothing billed twice`,
            },
          ),
        );
      }
      if (messages.length > 0) await this.outbox.enqueueAll(manager, messages);
    });
  }

  private stateMessage(
    invoice: SupplierInvoiceRow,
    status: FinanceStatus,
    version: number,
    extra: { key?: string; billExternalId?: string; reason?: string; differences?: string[] },
  ): OutboxEnqueueRequest<FinanceState> {
    const key = extra.key ?? supplierInvoiceKey(invoice.partner_id, invoice.invoice_number);
    return {
      topic: TOPICS.financeState,
      key,
      headers: headers(invoice.partner_id),
      messageId: uuidFrom(`state:${key}:${status}`),
      value: {
        key,
        subject: FinanceSubject.SupplierInvoice,
        status,
        partnerId: invoice.partner_id,
        reference: invoice.invoice_number,
        currency: invoice.currency ?? 'USD',
        amountMinor: Number(invoice.amount_minor ?? 0),
        residualMinor: null,
        rule: null,
        confidence: null,
        invoices: [],
        reason: extra.reason ?? null,
        version,
        updatedAt: this.now(),
        purchaseOrder: invoice.po_number,
        differences: extra.differences ?? [],
        billExternalId: extra.billExternalId ?? null,
      },
    };
  }

  private async seen(
    manager: EntityManager,
    partnerId: string,
    invoiceNumber: string,
  ): Promise<SeenInvoice | undefined> {
    const rows = await manager.query<SeenInvoice[]>(
      'SELECT message_id, decision, received_at FROM supplier_invoices WHERE partner_id = $1 AND invoice_number = $2',
      [partnerId, invoiceNumber],
    );
    return rows[0];
  }

  private async decide(
    manager: EntityManager,
    input: SupplierInvoicesInput,
    partner: PartnerConfig | undefined,
    vendorId: number | undefined,
    invoice: SupplierInvoice,
    order: PurchaseOrderSnapshot | undefined,
  ): Promise<SupplierInvoiceOutcome> {
    const fresh = await manager.query<unknown[]>(
      `INSERT INTO supplier_invoices (partner_id, invoice_number, message_id, document_id, po_number, decision)
       VALUES ($1, $2, $3, $4, $5, 'deciding') ON CONFLICT DO NOTHING RETURNING 1`,
      [input.partnerId, invoice.invoiceNumber, input.messageId, input.documentId, invoice.poNumber],
    );
    if (fresh.length === 0) return 'duplicate';
    // Two invoices of one order at a time, across replicas: never the same received goods billed twice
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`invoices:bill:${invoice.poNumber}`]);
    const lineIds = order?.lines.map((l) => l.id) ?? [];
    const inFlight = await manager.query<{ purchase_line_id: number; quantity: number }[]>(
      `SELECT purchase_line_id, sum(quantity)::float8 AS quantity FROM bill_lines
        WHERE purchase_line_id = ANY($1) AND NOT refused GROUP BY purchase_line_id`,
      [lineIds],
    );
    const currency = invoice.currency ?? partner?.defaultCurrency ?? 'USD';
    const tolerance =
      partner === undefined ? { pricePct: 0, priceAmount: null } : invoiceToleranceOf(partner);
    const result = threeWayMatch({
      invoice,
      order,
      vendorId,
      currency,
      expectedCurrency: partner?.defaultCurrency ?? currency,
      tolerance,
      billedByUs: new Map(inFlight.map((row) => [row.purchase_line_id, Number(row.quantity)])),
      unitsPerInvoicedUnit: (sku, uom) => {
        const purchasing = partner?.purchasing;
        if (purchasing === undefined || sku === null || uom === null) return 1;
        const unit = supplierUnitOf(purchasing, sku);
        return unit.uom === uom ? unit.unitsPer : 1;
      },
    });
    const key = supplierInvoiceKey(input.partnerId, invoice.invoiceNumber);
    const at = this.now();
    const row = (amountMinor: number): SupplierInvoiceRow => ({
      partner_id: input.partnerId,
      invoice_number: invoice.invoiceNumber,
      po_number: invoice.poNumber,
      document_id: input.documentId,
      amount_minor: String(amountMinor),
      currency,
    });
    if (!result.matched) {
      const amountMinor = invoiceAmountMinor(invoice, currency);
      await manager.query(
        `UPDATE supplier_invoices SET decision = 'held', differences = $3, amount_minor = $4, currency = $5
          WHERE partner_id = $1 AND invoice_number = $2`,
        [input.partnerId, invoice.invoiceNumber, JSON.stringify(result.differences), amountMinor, currency],
      );
      const exception: OpsException = {
        exceptionId: uuidFrom(`exc:${key}`),
        kind: ExceptionKind.Business,
        code: SupplierInvoiceExceptionCode.Mismatch,
        message: `${input.partnerId} invoice ${invoice.invoiceNumber} for ${invoice.poNumber} is held: ${result.differences.length} difference(s) with the purchase order and the receipt, nothing billed`,
        service: this.options.serviceName,
        sourceTopic: input.source.topic,
        sourcePartition: input.source.partition,
        sourceOffset: input.source.offset,
        sourceKey: input.source.key,
        partnerId: input.partnerId,
        correlationId: currentCorrelation()?.correlationId ?? null,
        details: result.differences.map((difference) => ({
          code: difference.field,
          message: describeDifference(difference),
          location: difference.location,
        })),
        occurredAt: at,
        workflow: 'invoice',
        documentType: 'supplier-invoice',
        businessKey: key,
        documentId: input.documentId,
        documentVersion: null,
        record: JSON.stringify({ ...invoice, differences: result.differences }),
      };
      await this.outbox.enqueueAll<unknown>(manager, [
        {
          topic: TOPICS.opsExceptions,
          key,
          value: exception,
          headers: headers(input.partnerId),
          messageId: uuidFrom(`exc:${key}`),
        },
        this.stateMessage(row(amountMinor), FinanceStatus.Held, 1, {
          reason: exception.message,
          differences: result.differences.map((difference) => describeDifference(difference)),
        }),
      ]);
      return 'held';
    }
    const xid = billExternalId(input.partnerId, invoice.invoiceNumber);
    const billedMinor = amountMinorOf(
      result.lines.map((line) => ({ quantity: line.quantity, price: line.priceUnit })),
      currency,
    );
    await manager.query(
      `UPDATE supplier_invoices SET decision = 'billed', bill_xid = $3, amount_minor = $4, currency = $5
        WHERE partner_id = $1 AND invoice_number = $2`,
      [input.partnerId, invoice.invoiceNumber, xid, billedMinor, currency],
    );
    const perLine = new Map<number, number>();
    for (const line of result.lines)
      perLine.set(line.purchaseLineId, (perLine.get(line.purchaseLineId) ?? 0) + line.quantity);
    for (const [lineId, quantity] of perLine) {
      await manager.query(
        'INSERT INTO bill_lines (bill_xid, purchase_line_id, quantity) VALUES ($1, $2, $3)',
        [xid, lineId, quantity],
      );
    }
    const command: OdooCommand = {
      commandId: createHash('sha256').update(`create_vendor_bill\u0000${xid}`).digest('hex').slice(0, 32),
      externalId: xid,
      type: CommandType.CreateVendorBill,
      issuedBy: this.options.serviceName,
      issuedAt: at,
      ...NO_COMMAND_BODY,
      createVendorBill: {
        partnerRef: String(order!.vendorId),
        vendorInvoiceNumber: invoice.invoiceNumber,
        invoiceDate: invoice.invoiceDate,
        dueDate: null,
        currency,
        purchaseOrderName: order!.name,
        lines: result.lines.map((line) => ({
          purchaseLineRef: String(line.purchaseLineId),
          productRef: String(line.productId),
          quantity: line.quantity,
          priceUnit: line.priceUnit,
          description: line.description || null,
        })),
        post: true,
      },
    };
    const messages: OutboxEnqueueRequest[] = [
      {
        topic: this.options.commandsTopic,
        key: xid,
        value: command,
        headers: headers(input.partnerId),
        messageId: uuidFrom(`cmd:${xid}`),
      },
      this.stateMessage(row(billedMinor), FinanceStatus.Billed, 1, { billExternalId: xid }),
    ];
    await this.outbox.enqueueAll(manager, messages);
    return 'billed';
  }
}

/** The invoice as the supplier bills it: its stated total, else Σ quantity × unit price. */
function invoiceAmountMinor(invoice: SupplierInvoice, currency: string): number {
  return (
    invoice.totalMinor ??
    amountMinorOf(
      invoice.lines.map((line) => ({ quantity: line.quantity, price: line.unitPrice })),
      currency,
    )
  );
}
