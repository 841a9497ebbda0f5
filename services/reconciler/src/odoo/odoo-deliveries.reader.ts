// Reads the deliveries one window's shipments need, with the read-only key, batched like the other
// readers: the shipments' sale orders by the writer's external id (`tradewind.so_<partner>_<po>`, the one
// shipments' validate_picking names), their outgoing stock.picking records, and the outgoing deliveries
// validated in the window for the platform's customers (one validated by hand that no shipment names);
// then each delivery's sale order once for its customer and reference.
import type { CallOptions, Domain, OdooClient, OdooRecord } from '@tradewind/odoo-client';

import type { OdooDelivery } from '../reconciliation/reconciliation';
import { chunks, eachBounded, idOf, odooDatetime, recordIdsOf, textOf } from './odoo-reads';

export interface DeliveryQuery {
  /** The sale orders of the window's shipment orders, by external id. */
  readonly saleOrderExternalIds: readonly string[];
  /** `date_done` in [from, to), epoch ms. */
  readonly validatedFrom: number;
  readonly validatedTo: number;
  /** The platform's customers (res.partner ids): Odoo's other deliveries are not the platform's. */
  readonly customerIds: readonly number[];
  readonly batchSize: number;
  readonly concurrency?: number;
}

export interface DeliveriesRead {
  /** Sale order id by external id (absent: no such sale order in Odoo). */
  readonly saleOrders: ReadonlyMap<string, number>;
  readonly deliveries: readonly OdooDelivery[];
}

const PICKING_FIELDS = ['name', 'sale_id', 'state', 'date_done', 'carrier_tracking_ref'];
const PAGE = 10_000;

/** Odoo's `YYYY-MM-DD HH:MM:SS` (UTC) as epoch ms, or null. */
const epochOrNull = (value: unknown): number | null =>
  typeof value === 'string' ? Date.parse(`${value.replace(' ', 'T')}Z`) : null;

export class OdooDeliveriesReader {
  constructor(
    private readonly client: OdooClient,
    private readonly options: CallOptions = {},
  ) {}

  async read(query: DeliveryQuery): Promise<DeliveriesRead> {
    const concurrency = query.concurrency ?? 1;
    const pickings = new Map<number, OdooRecord>();
    // 1. The shipments' sale orders by external id.
    const saleOrders = await recordIdsOf(this.client, 'sale.order', query.saleOrderExternalIds, {
      size: query.batchSize,
      concurrency,
      options: this.options,
    });
    // 2. Their outgoing deliveries, whatever the state (a backorder still open, one cancelled).
    await eachBounded(
      chunks([...new Set(saleOrders.values())], query.batchSize),
      concurrency,
      async (ids) => {
        for (const row of await this.pages([
          ['sale_id', 'in', ids],
          ['picking_type_code', '=', 'outgoing'],
        ]))
          pickings.set(row.id, row);
      },
    );
    // 3. Deliveries validated in the window for the platform's customers (date_done is set by validation).
    if (query.customerIds.length > 0) {
      for (const row of await this.pages([
        ['picking_type_code', '=', 'outgoing'],
        ['state', '=', 'done'],
        ['date_done', '>=', odooDatetime(query.validatedFrom)],
        ['date_done', '<', odooDatetime(query.validatedTo)],
        ['sale_id.partner_id', 'in', [...query.customerIds]],
      ]))
        pickings.set(row.id, row);
    }
    // 4. Each delivery's sale order once: its customer and reference.
    const orderIds = [...new Set([...pickings.values()].flatMap((row) => idOf(row.sale_id) ?? []))].sort(
      (a, b) => a - b,
    );
    const orders = new Map<number, OdooRecord>();
    await eachBounded(chunks(orderIds, query.batchSize), concurrency, async (ids) => {
      for (const row of await this.client.searchRead('sale.order', [['id', 'in', ids]], {
        ...this.options,
        fields: ['partner_id', 'client_order_ref'],
        load: false,
        order: 'id',
      }))
        orders.set(row.id, row);
    });
    const deliveries = [...pickings.values()]
      .sort((a, b) => a.id - b.id)
      .flatMap((row): OdooDelivery[] => {
        const saleOrderId = idOf(row.sale_id);
        if (saleOrderId === null) return [];
        const order = orders.get(saleOrderId);
        return [
          {
            id: row.id,
            name: String(row.name),
            saleOrderId,
            state: String(row.state),
            doneAt: epochOrNull(row.date_done),
            trackingRef: textOf(row.carrier_tracking_ref),
            customerId: order === undefined ? null : idOf(order.partner_id),
            clientOrderRef: order === undefined ? null : textOf(order.client_order_ref),
          },
        ];
      });
    return { saleOrders, deliveries };
  }

  private async pages(domain: Domain): Promise<OdooRecord[]> {
    const rows: OdooRecord[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.client.searchRead('stock.picking', domain, {
        ...this.options,
        fields: PICKING_FIELDS,
        load: false,
        order: 'id',
        offset,
        limit: PAGE,
      });
      rows.push(...page);
      if (page.length < PAGE) return rows;
    }
  }
}
