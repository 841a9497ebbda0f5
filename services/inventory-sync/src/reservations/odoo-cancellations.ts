// Sale orders cancelled in Odoo end their reservations (decision 0025). Odoo is the system of record for
// sale orders and a cancellation happens there (a salesperson, the customer on the phone, the portal): the
// platform sees it by polling sale.order in state `cancel` by write_date with the read-only key, as the
// stock reconciliation polls quants. A cancelled order the platform holds stock for (its external id is the
// odoo-writer's `tradewind.so_…` for that partner and PO) is released with reason `cancelled` through the
// same path as any release: what is still held returns to available (and to the channel feeds), what
// already shipped stays consumed. Idempotent: the inbox keys each release by order, Odoo id and write_date,
// and releasing what is no longer held changes nothing.
import { HEADER, ReleaseReason } from '@tradewind/contracts';
import type {
  InventorySyncCore,
  ReservationStore,
  StockReconciliationStore,
} from '@tradewind/inventory-store';
import type { DomainLeaf, OdooClient, OdooRecord } from '@tradewind/odoo-client';
import { EXTERNAL_ID_MODULE, saleOrderExternalId } from '@tradewind/partner-catalog';
import type { DataSource } from 'typeorm';

/** The poll's cursor in odoo_stock_cursor. */
export const CANCELLATION_CURSOR = 'sale.order:cancel';

export interface CancellationRun {
  /** Cancelled sale orders read since the cursor. */
  seen: number;
  /** Platform orders released by this run (a repeat finds nothing held and releases nothing). */
  released: string[];
}

/** Odoo's datetime, UTC, whole seconds. */
const odooTime = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

export class OdooCancellations {
  constructor(
    private readonly dataSource: DataSource,
    private readonly core: InventorySyncCore,
    private readonly reservations: ReservationStore,
    private readonly cursors: StockReconciliationStore,
    private readonly odoo: OdooClient,
    private readonly options: { batchSize?: number } = {},
  ) {}

  async run(now = new Date()): Promise<CancellationRun> {
    const manager = this.dataSource.manager;
    const batch = this.options.batchSize ?? 200;
    const cursor = await this.cursors.cursor(manager, CANCELLATION_CURSOR);
    // `>=`: Odoo keeps whole seconds, so the cursor's second is read again (a repeat is harmless).
    const domain: DomainLeaf[] = [['state', '=', 'cancel']];
    if (cursor !== undefined) domain.push(['write_date', '>=', cursor.writeDate]);
    const cancelled: OdooRecord[] = [];
    for (let offset = 0; ; offset += batch) {
      const page = await this.odoo.searchRead('sale.order', domain, {
        fields: ['client_order_ref', 'write_date'],
        order: 'write_date asc, id asc',
        offset,
        limit: batch,
      });
      cancelled.push(...page);
      if (page.length < batch) break;
    }
    const released: string[] = [];
    for (const part of chunks(cancelled, batch)) {
      const refs = [
        ...new Set(part.flatMap((o) => (typeof o.client_order_ref === 'string' ? [o.client_order_ref] : []))),
      ];
      const held = await this.reservations.heldOrdersByPoNumber(manager, refs);
      if (held.length === 0) continue;
      // The customer reference alone could be another customer's PO: the external id says whose order it is.
      const xids = await this.odoo.searchRead(
        'ir.model.data',
        [
          ['model', '=', 'sale.order'],
          ['module', '=', EXTERNAL_ID_MODULE],
          ['res_id', 'in', part.map((o) => o.id)],
        ],
        { fields: ['name', 'res_id'] },
      );
      const byXid = new Map(xids.map((x) => [`${EXTERNAL_ID_MODULE}.${String(x.name)}`, Number(x.res_id)]));
      for (const order of held) {
        const odooId = byXid.get(saleOrderExternalId(order.partnerId, order.poNumber));
        const row = part.find((o) => o.id === odooId);
        if (odooId === undefined || row === undefined) continue;
        const writeDate = String(row.write_date);
        const outcome = await this.core.onReservationRelease(
          {
            releaseId: `odoo-cancel/${odooId}/${writeDate}`,
            orderId: order.orderId,
            reason: ReleaseReason.Cancelled,
            lineNos: [],
            releasedAt: odooTime(writeDate),
            shipmentId: null,
            shipped: [],
          },
          { [HEADER.messageId]: `odoo-cancel|${order.orderId}|${odooId}|${writeDate}` },
        );
        if (outcome === 'handled') released.push(order.orderId);
      }
    }
    const latest = cancelled
      .map((o) => String(o.write_date))
      .sort()
      .at(-1);
    if (latest !== undefined)
      await this.cursors.saveCursor(manager, { writeDate: latest, runAt: now }, CANCELLATION_CURSOR);
    return { seen: cancelled.length, released };
  }
}
