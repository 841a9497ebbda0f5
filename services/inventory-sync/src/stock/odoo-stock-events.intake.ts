// ingress.documents → a comparison with Odoo: Odoo's webhook on stock.quant (stock-quant-event, from the
// internal partner only) names a quant and, when the rule selects it, its product. A webhook is a hint,
// never the data: the quant and product are read from Odoo with the read-only key, and their SKUs go
// through the same comparison as the write_date poll (OdooStockReconciliation), so the webhook and the poll
// cannot disagree and a drift either finds is raised once. Nothing is written to Odoo here.
import type { IngressDocument } from '@tradewind/contracts';
import { type OdooClient, readStockQuants } from '@tradewind/odoo-client';
import type { PartnerCatalog } from '@tradewind/partner-catalog';
import { isStockDocumentType, readStockQuantEvent, StockDocumentType } from '@tradewind/partner-documents';

import { InventorySyncErrorCode, InventorySyncException } from '../inventory-sync.exception';
import type { ReconciliationRun } from '../reconciliation/odoo-stock.reconciliation';

/** compared: the SKUs were compared; skipped: not Odoo's stock webhook, or it names nothing Odoo still has. */
export type OdooStockEventOutcome = 'compared' | 'skipped';

/** Odoo's webhook on stock.quant: the one stock document type that is not a WMS count. */
export function isOdooStockQuantEvent(documentType: string): boolean {
  return isStockDocumentType(documentType) && documentType === StockDocumentType.StockQuantEvent;
}

export class OdooStockEventIntake {
  constructor(
    private readonly catalog: PartnerCatalog,
    private readonly odoo: OdooClient,
    private readonly reconcile: (skus: readonly string[]) => Promise<ReconciliationRun>,
  ) {}

  async handle(document: IngressDocument): Promise<OdooStockEventOutcome> {
    if (!isOdooStockQuantEvent(document.documentType)) return 'skipped';
    // The gateway refuses non-owners already; the platform enforces it again where it acts on it.
    const violation = this.catalog.ownershipViolation(document.partnerId, document.documentType);
    if (violation !== undefined) {
      throw new InventorySyncException(
        InventorySyncErrorCode.NotSystemOfRecord,
        `${document.partnerId} sent ${document.documentType} ${document.documentId}, but ${violation.owner} owns ${violation.domain}`,
      );
    }
    if (document.payload === null) {
      throw new InventorySyncException(
        InventorySyncErrorCode.PayloadMissing,
        `stock document ${document.documentId} has no inline payload`,
      );
    }
    const read = readStockQuantEvent(document.payload);
    if (!read.ok) {
      throw new InventorySyncException(
        InventorySyncErrorCode.UnreadableDocument,
        `stock document ${document.documentId}: ${read.problems
          .slice(0, 5)
          .map((p) => p.message)
          .join('; ')}`,
      );
    }
    const [event] = read.documents;
    const skus = new Set<string>();
    for (const quant of await readStockQuants(this.odoo, { quantIds: [event.quantId] }))
      if (quant.sku !== undefined) skus.add(quant.sku);
    // Odoo unlinks a quant that drops to zero: its product still says which SKU to compare.
    if (event.productId !== undefined) {
      const products = await this.odoo.searchRead('product.product', [['id', '=', event.productId]], {
        fields: ['default_code'],
      });
      for (const product of products)
        if (typeof product.default_code === 'string') skus.add(product.default_code);
    }
    if (skus.size === 0) return 'skipped';
    await this.reconcile([...skus]);
    return 'compared';
  }
}
