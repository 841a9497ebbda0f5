// Looks for due export windows every INVOICES_EXPORT_EVERY on the kit's housekeeping timer (one pass at
// a time per process; the advisory lock makes it one pass at a time across replicas).
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Housekeeping } from '@tradewind/service-kit';

import type { InvoicesConfig } from '../invoices.config';
import { INVOICES_CONFIG } from '../invoices.tokens';
import { InvoiceExportService } from './invoice-export.service';

@Injectable()
export class InvoiceExportSchedule implements OnModuleInit {
  constructor(
    @Inject(INVOICES_CONFIG) private readonly config: InvoicesConfig,
    @Inject(InvoiceExportService) private readonly exports: InvoiceExportService,
    @Inject(Housekeeping) private readonly housekeeping: Housekeeping,
  ) {}

  onModuleInit(): void {
    this.housekeeping.schedule({
      name: 'invoice export windows',
      everyMs: this.config.invoices.exportEveryMs,
      logLevel: 'debug',
      purge: async () => (await this.exports.runDue()).reduce((sum, report) => sum + report.sent, 0),
    });
  }
}
