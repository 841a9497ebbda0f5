import { counter, gauge } from '@tradewind/observability';
import type { Counter, Gauge } from 'prom-client';

/** What invoices counts beyond the platform's consumer metrics (lag, handler duration, failures). */
export class InvoicesMetrics {
  readonly settlementEntries: Counter<'decision' | 'type'> = counter({
    name: 'tradewind_invoices_settlement_entries_total',
    help: 'Settlement entries (bank statement entries, payout lines) by decision: matched, partial, unmatched, ambiguous, ignored.',
    labelNames: ['decision', 'type'],
  });

  readonly settlementDocuments: Counter<'type' | 'outcome'> = counter({
    name: 'tradewind_invoices_settlement_documents_total',
    help: 'Settlement documents by outcome: settled, duplicate (seen before), refused (invalid).',
    labelNames: ['type', 'outcome'],
  });

  readonly supplierInvoices: Counter<'outcome'> = counter({
    name: 'tradewind_invoices_supplier_invoices_total',
    help: 'Supplier invoices by outcome: billed (a vendor bill asked of Odoo), held (the three-way match found differences), duplicate (its number seen before), redelivered, refused (invalid or not a supplier).',
    labelNames: ['outcome'],
  });

  readonly unmatchedCashOldest: Gauge<'currency'> = gauge({
    name: 'tradewind_invoices_unmatched_cash_oldest_seconds',
    help: 'Age (since its booking date) of the oldest unmatched or ambiguous settlement entry nobody resolved.',
    labelNames: ['currency'],
  });

  readonly unmatchedCashEntries: Gauge<'currency'> = gauge({
    name: 'tradewind_invoices_unmatched_cash_entries',
    help: 'Unmatched or ambiguous settlement entries nobody resolved.',
    labelNames: ['currency'],
  });

  readonly invoicesSynced: Counter = counter({
    name: 'tradewind_invoices_odoo_invoices_synced_total',
    help: 'Customer invoices and credit notes read from Odoo (by write_date) into the invoice book.',
  });

  readonly exports: Counter<'partner' | 'outcome'> = counter({
    name: 'tradewind_invoices_exports_total',
    help: 'Invoice versions by export outcome: sent (in the outbox to partners.outbound), blocked (an integrity check refused it).',
    labelNames: ['partner', 'outcome'],
  });

  readonly taxMismatches: Counter<'partner' | 'check'> = counter({
    name: 'tradewind_invoices_tax_mismatches_total',
    help: 'Invoice versions whose tax integrity check failed, by check: totals, tax_rate, currency, partner.',
    labelNames: ['partner', 'check'],
  });

  readonly exportFailures: Counter<'partner'> = counter({
    name: 'tradewind_invoices_export_failures_total',
    help: 'Export batches that failed technically (Odoo or PostgreSQL unavailable): retried next window tick.',
    labelNames: ['partner'],
  });
}
