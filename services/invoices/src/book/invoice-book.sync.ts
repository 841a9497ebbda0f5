// Keeps the invoice book current: Odoo's customer invoices and credit notes written since the cursor,
// read with the read-only key every INVOICES_POLL_EVERY on the kit's housekeeping timer (one pass at a
// time; an Odoo or database outage fails the pass, logged, and the next tick resumes from the cursor).
// Also refreshes the unmatched-cash gauges the business alerts read.
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { withTransaction } from '@tradewind/persistence';
import { Housekeeping } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import type { InvoicesConfig } from '../invoices.config';
import { InvoicesMetrics } from '../invoices.metrics';
import { INVOICE_BOOK, INVOICES_CONFIG, ODOO_INVOICES } from '../invoices.tokens';
import type { InvoiceBook } from './invoice-book.repository';
import type { OdooInvoicesReader } from './odoo-invoices.reader';

const CURSOR = 'account.move';
const OVERLAP_SECONDS = 2;

/** Odoo's `YYYY-MM-DD HH:MM:SS` (UTC) moved back by some seconds. */
export function secondsBefore(writeDate: string, seconds: number): string {
  const at = Date.parse(`${writeDate.replace(' ', 'T')}Z`);
  if (Number.isNaN(at)) return writeDate;
  return new Date(Math.max(0, at - seconds * 1000)).toISOString().slice(0, 19).replace('T', ' ');
}

@Injectable()
export class InvoiceBookSync implements OnModuleInit {
  constructor(
    @Inject(INVOICES_CONFIG) private readonly config: InvoicesConfig,
    @Inject(INVOICE_BOOK) private readonly book: InvoiceBook,
    @Inject(ODOO_INVOICES) private readonly odoo: OdooInvoicesReader,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(InvoicesMetrics) private readonly metrics: InvoicesMetrics,
    @Inject(Housekeeping) private readonly housekeeping: Housekeeping,
  ) {}

  onModuleInit(): void {
    this.housekeeping.schedule({
      name: 'invoices read from Odoo',
      everyMs: this.config.invoices.pollEveryMs,
      atStart: true,
      logLevel: 'debug',
      purge: () => this.pass(),
    });
    this.housekeeping.schedule({
      name: 'unmatched cash gauges',
      everyMs: this.config.invoices.gaugesEveryMs,
      atStart: true,
      logLevel: 'debug',
      purge: () => this.refreshGauges(),
    });
  }

  /**
   * Reads until Odoo has nothing newer; resolves with the invoices read. Each pass starts a little
   * before the stored cursor: Odoo answers write_date to the second, so a move written later in the
   * second the last pass ended in would be missed by a strict cursor (re-reading is an idempotent upsert).
   */
  async pass(): Promise<number> {
    let read = 0;
    const stored = await this.book.cursor(CURSOR);
    let cursor = { writeDate: secondsBefore(stored.writeDate, OVERLAP_SECONDS), lastId: 0 };
    for (;;) {
      const batch = await this.odoo.next(cursor, this.config.invoices.pollBatchSize);
      cursor = batch.cursor;
      if (batch.invoices.length === 0) return read;
      await withTransaction(this.dataSource, (manager) =>
        this.book.store(manager, CURSOR, batch.invoices, batch.cursor),
      );
      read += batch.invoices.length;
      this.metrics.invoicesSynced.inc(batch.invoices.length);
      if (batch.invoices.length < this.config.invoices.pollBatchSize) return read;
    }
  }

  async refreshGauges(now = Date.now()): Promise<number> {
    const rows = await this.dataSource.query<{ currency: string; entries: string; oldest: string }[]>(
      `SELECT currency, count(*) AS entries, min(booking_date)::text AS oldest FROM settlement_entries
        WHERE decision IN ('unmatched', 'ambiguous') AND resolved_at IS NULL GROUP BY currency`,
    );
    this.metrics.unmatchedCashOldest.reset();
    this.metrics.unmatchedCashEntries.reset();
    for (const row of rows) {
      this.metrics.unmatchedCashEntries.set({ currency: row.currency }, Number(row.entries));
      const age = Math.max(0, (now - Date.parse(`${row.oldest}T00:00:00Z`)) / 1000);
      this.metrics.unmatchedCashOldest.set({ currency: row.currency }, Math.round(age));
    }
    return 0;
  }
}
