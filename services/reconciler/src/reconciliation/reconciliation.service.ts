// One window's reconciliation: the views' orders, purchase orders and shipments, what Odoo holds of them
// (read-only, batched), the pure comparison, then the stored proof and the metrics.
import { Inject, Injectable } from '@nestjs/common';
import { type PartnerCatalog, saleOrderExternalId } from '@tradewind/partner-catalog';

import type { OdooAccountMovesReader } from '../odoo/odoo-account-moves.reader';
import type { OdooDeliveriesReader } from '../odoo/odoo-deliveries.reader';
import type { OdooPurchaseOrdersReader } from '../odoo/odoo-purchase-orders.reader';
import type { OdooSaleOrdersReader } from '../odoo/odoo-sale-orders.reader';
import type { ReconcilerConfig } from '../reconciler.config';
import { ReconcilerError, ReconcilerErrorCode } from '../reconciler.exception';
import { ReconcilerMetrics } from '../reconciler.metrics';
import {
  FINANCE_VIEWS,
  GATEWAY_LEG,
  ODOO_ACCOUNT_MOVES,
  ODOO_DELIVERIES,
  ODOO_PURCHASE_ORDERS,
  ODOO_SALE_ORDERS,
  PARTNER_CATALOG,
  PURCHASE_ORDER_VIEWS,
  RECONCILER_CONFIG,
  RECONCILIATION_RUNS,
  SHIPMENT_VIEWS,
} from '../reconciler.tokens';
import type { FinanceViews } from '../views/finance-views.repository';
import type { GatewayLeg } from '../views/gateway-leg.repository';
import { ORDER_VIEWS, type OrderViews, refKey } from '../views/order-views.repository';
import type { PurchaseOrderViews } from '../views/purchase-order-views.repository';
import type { ShipmentViews } from '../views/shipment-views.repository';
import { type FinanceLeg, invoiceIdOf, invoiceKey, supplierInvoiceKey } from './finance.reconciliation';
import {
  type PlatformOrder,
  PURCHASE_ORDER_WORKFLOW,
  type PurchasingLeg,
  reconcileWindow,
  SALES_ORDER_WORKFLOW,
  type ShipmentLeg,
  shipmentOrderKey,
  type WindowReconciliation,
} from './reconciliation';
import type { ReconciliationRun, ReconciliationRuns } from './reconciliation-runs.repository';

export interface Verification {
  readonly stored: ReconciliationRun | undefined;
  readonly recomputed: WindowReconciliation;
  /** The stored checksum still holds: nothing in the window changed since it was proved. */
  readonly matches: boolean;
}

/** The window's PO numbers per Odoo customer: a reference names an order only with its customer. */
export function refsByCustomer(orders: readonly PlatformOrder[]): Map<number, string[]> {
  const refs = new Map<number, string[]>();
  for (const order of orders) {
    if (order.odooPartnerId === null) continue;
    const list = refs.get(order.odooPartnerId);
    if (list) list.push(order.poNumber);
    else refs.set(order.odooPartnerId, [order.poNumber]);
  }
  return refs;
}

@Injectable()
export class ReconciliationService {
  constructor(
    @Inject(RECONCILER_CONFIG) private readonly config: ReconcilerConfig,
    @Inject(ORDER_VIEWS) private readonly views: OrderViews,
    @Inject(ODOO_SALE_ORDERS) private readonly odoo: OdooSaleOrdersReader,
    @Inject(RECONCILIATION_RUNS) private readonly runs: ReconciliationRuns,
    @Inject(ReconcilerMetrics) private readonly metrics: ReconcilerMetrics,
    @Inject(PARTNER_CATALOG) private readonly catalog: PartnerCatalog,
    @Inject(GATEWAY_LEG) private readonly leg: GatewayLeg,
    @Inject(PURCHASE_ORDER_VIEWS) private readonly purchaseOrders: PurchaseOrderViews,
    @Inject(ODOO_PURCHASE_ORDERS) private readonly odooPurchases: OdooPurchaseOrdersReader,
    @Inject(SHIPMENT_VIEWS) private readonly shipments: ShipmentViews,
    @Inject(ODOO_DELIVERIES) private readonly odooDeliveries: OdooDeliveriesReader,
    @Inject(FINANCE_VIEWS) private readonly finance: FinanceViews,
    @Inject(ODOO_ACCOUNT_MOVES) private readonly odooMoves: OdooAccountMovesReader,
  ) {}

  /** The window that holds `at` (windows are aligned on the epoch). */
  windowOf(at: number): { start: number; end: number } {
    const size = this.config.reconciliation.windowMs;
    const start = Math.floor(at / size) * size;
    return { start, end: start + size };
  }

  /** Parses a window's start as the API names it; it must be a window boundary. */
  parseWindow(text: string): { start: number; end: number } {
    const at = Date.parse(text);
    if (Number.isNaN(at)) {
      throw new ReconcilerError(ReconcilerErrorCode.InvalidWindow, `${text} is not an ISO-8601 time`);
    }
    const window = this.windowOf(at);
    if (window.start !== at) {
      throw new ReconcilerError(
        ReconcilerErrorCode.InvalidWindow,
        `${text} is not a window start (windows of ${this.config.reconciliation.windowMs} ms, e.g. ${new Date(window.start).toISOString()})`,
      );
    }
    return window;
  }

  /**
   * The window's orders, each with its Odoo customer's id: orders.state names the customer by our id
   * (order-intake's commands use its external id), so the id is read from Odoo by the external id the
   * partner's mapping set gives it.
   */
  async ordersIn(window: { start: number; end: number }): Promise<PlatformOrder[]> {
    const orders = await this.views.receivedIn(window.start, window.end);
    const xidOf = (order: PlatformOrder) =>
      order.odooPartnerId !== null || order.customerRef === null || order.customerRef === undefined
        ? undefined
        : this.catalog.customerExternalIdOf(order.partnerId, order.customerRef);
    const wanted = orders.flatMap((o) => xidOf(o) ?? []);
    if (wanted.length === 0) return orders;
    const ids = await this.odoo.idsOf('res.partner', wanted, this.config.reconciliation.odooBatchSize);
    return orders.map((order) => {
      const xid = xidOf(order);
      const id = xid === undefined ? undefined : ids.get(xid);
      return id === undefined ? order : { ...order, odooPartnerId: id };
    });
  }

  async compute(window: { start: number; end: number }, now = Date.now()): Promise<WindowReconciliation> {
    const orders = await this.ordersIn(window);
    const customers = await this.views.odooCustomers();
    for (const order of orders) {
      if (order.odooPartnerId !== null && !customers.has(order.odooPartnerId))
        customers.set(order.odooPartnerId, order.partnerId);
    }
    const odoo = await this.odoo.read({
      externalIds: orders.flatMap((o) => (o.odooExternalId === null ? [] : [o.odooExternalId])),
      refsByCustomer: refsByCustomer(orders),
      writtenFrom: window.start,
      writtenTo: window.end,
      customerIds: [...customers.keys()],
      batchSize: this.config.reconciliation.odooBatchSize,
      concurrency: this.config.reconciliation.odooConcurrency,
    });
    // Sale orders that orders of other windows explain are theirs, not "no origin".
    const origins = await this.views.origins({
      externalIds: odoo.flatMap((r) => (r.externalId === null ? [] : [r.externalId])),
      refs: odoo.flatMap((r) =>
        r.partnerId === null || r.clientOrderRef === null
          ? []
          : [{ odooPartnerId: r.partnerId, poNumber: r.clientOrderRef }],
      ),
    });
    const documents = await this.leg.documentsIn(SALES_ORDER_WORKFLOW, window.start, window.end);
    const onPlatform = await this.leg.whichOnPlatform(
      SALES_ORDER_WORKFLOW,
      documents.map((d) => d.documentId),
    );
    // The orders' documents may have been received in the window before: acknowledged or not, wherever.
    const acknowledgements = await this.leg.acknowledgementsOf([
      ...new Set(orders.flatMap((o) => o.documentIds ?? [])),
    ]);
    const purchasing = await this.purchasingIn(window);
    const shipments = await this.shipmentsIn(window, customers);
    const finance = await this.financeIn(window, purchasing.suppliers);
    return reconcileWindow({
      orders,
      odoo,
      now,
      purchasing,
      shipments,
      finance,
      gateway: {
        documents,
        onPlatform,
        acknowledgements,
        acknowledges: (partnerId) => this.catalog.partner(partnerId)?.acknowledgements?.order !== undefined,
      },
      policy: {
        stuckAfterMs: this.config.reconciliation.stuckAfterMs,
        acknowledgeWithinMs: this.config.reconciliation.acknowledgeWithinMs,
      },
      customers,
      knownOrigins: (record) =>
        (record.externalId !== null && origins.externalIds.has(record.externalId)) ||
        (record.partnerId !== null &&
          record.clientOrderRef !== null &&
          origins.refs.has(refKey(record.partnerId, record.clientOrderRef))),
    });
  }

  /**
   * The purchase-order workflow of the window: purchasing.state's orders, and Odoo's purchase orders of
   * them and those written in the window for the catalog's suppliers (their vendors by external id).
   */
  async purchasingIn(window: { start: number; end: number }): Promise<PurchasingLeg> {
    const orders = await this.purchaseOrders.receivedIn(window.start, window.end);
    const suppliers = this.catalog.partners().flatMap((partner) =>
      partner.purchasing === undefined
        ? []
        : [
            {
              supplierId: partner.id,
              vendorRef: partner.purchasing.odooVendorRef,
              acknowledgeWithinMs: partner.sla.acknowledgeWithinMinutes * 60_000,
            },
          ],
    );
    const batchSize = this.config.reconciliation.odooBatchSize;
    const vendorIds =
      suppliers.length === 0
        ? new Map<string, number>()
        : await this.odoo.idsOf(
            'res.partner',
            suppliers.map((s) => s.vendorRef),
            batchSize,
          );
    const bySupplier = new Map(suppliers.map((s) => [s.supplierId, s]));
    const vendors = new Map<number, string>();
    for (const supplier of suppliers) {
      const id = vendorIds.get(supplier.vendorRef);
      if (id !== undefined) vendors.set(id, supplier.supplierId);
    }
    const odoo = await this.odooPurchases.read({
      ids: orders.map((o) => o.odooOrderId),
      writtenFrom: window.start,
      writtenTo: window.end,
      vendorIds: [...vendors.keys()],
      batchSize,
      concurrency: this.config.reconciliation.odooConcurrency,
    });
    const inWindow = new Set(orders.map((o) => o.odooOrderId));
    const known = await this.purchaseOrders.known(odoo.flatMap((r) => (inWindow.has(r.id) ? [] : [r.id])));
    // The suppliers' documents the gateway accepted in the window, and which some trace (any window) names.
    const documents = await this.leg.documentsIn(PURCHASE_ORDER_WORKFLOW, window.start, window.end);
    const onPlatform = await this.leg.whichOnPlatform(
      PURCHASE_ORDER_WORKFLOW,
      documents.map((d) => d.documentId),
    );
    return {
      orders,
      odoo,
      suppliers: vendors,
      // A supplier the catalog no longer names: the sales path's SLA.
      acknowledgeWithinMs: (supplierId) =>
        bySupplier.get(supplierId)?.acknowledgeWithinMs ?? this.config.reconciliation.acknowledgeWithinMs,
      knownOrigins: (id) => known.has(id),
      gateway: { documents, onPlatform },
    };
  }

  /**
   * The shipment workflow of the window: shipments.state's shipments, their orders' sale orders in Odoo by
   * the external id shipments' validate_picking names, those orders' deliveries, and the deliveries
   * validated in the window for the platform's customers.
   */
  async shipmentsIn(
    window: { start: number; end: number },
    customers: ReadonlyMap<number, string>,
  ): Promise<ShipmentLeg> {
    const shipments = await this.shipments.receivedIn(window.start, window.end);
    const xidOf = new Map<string, string>();
    for (const shipment of shipments)
      for (const order of shipment.orders)
        xidOf.set(
          shipmentOrderKey(order.partnerId, order.poNumber),
          saleOrderExternalId(order.partnerId, order.poNumber),
        );
    const read = await this.odooDeliveries.read({
      saleOrderExternalIds: [...xidOf.values()],
      validatedFrom: window.start,
      validatedTo: window.end,
      customerIds: [...customers.keys()],
      batchSize: this.config.reconciliation.odooBatchSize,
      concurrency: this.config.reconciliation.odooConcurrency,
    });
    const saleOrders = new Map<string, number>();
    for (const [key, xid] of xidOf) {
      const id = read.saleOrders.get(xid);
      if (id !== undefined) saleOrders.set(key, id);
    }
    // Deliveries of orders that other windows' shipments name are theirs (by order and tracking number).
    const named = await this.shipments.named(
      read.deliveries.flatMap((d) => (d.state === 'done' && d.trackingRef !== null ? [d.trackingRef] : [])),
    );
    return {
      shipments,
      saleOrders,
      deliveries: read.deliveries,
      customers,
      validatedFrom: window.start,
      validatedTo: window.end,
      deliverWithinMs: this.config.reconciliation.deliverWithinMs,
      knownOrigins: (delivery) => {
        const partnerId = delivery.customerId === null ? undefined : customers.get(delivery.customerId);
        return (
          partnerId !== undefined &&
          delivery.clientOrderRef !== null &&
          delivery.trackingRef !== null &&
          named.has(`${shipmentOrderKey(partnerId, delivery.clientOrderRef)}\u0000${delivery.trackingRef}`)
        );
      },
    };
  }

  /**
   * The finance workflows of the window: finance.state's records first seen in it, and Odoo's moves of
   * them and the posted invoices and bills written in the window for the invoiced partners' customers
   * (their mapping sets, by external id) and the suppliers' vendors (the purchase-order leg's).
   */
  async financeIn(
    window: { start: number; end: number },
    vendors: ReadonlyMap<number, string>,
  ): Promise<FinanceLeg> {
    const records = await this.finance.receivedIn(window.start, window.end);
    const batchSize = this.config.reconciliation.odooBatchSize;
    const invoiced = this.catalog.invoicedPartners().flatMap((partner) =>
      partner.mappingSet === undefined
        ? []
        : this.catalog.customersOf(partner.mappingSet).map((customer) => ({
            partnerId: partner.id,
            xid: customer.odooExternalId,
          })),
    );
    const customerIds =
      invoiced.length === 0
        ? new Map<string, number>()
        : await this.odoo.idsOf(
            'res.partner',
            invoiced.map((c) => c.xid),
            batchSize,
          );
    const customers = new Map<number, string>();
    for (const customer of invoiced) {
      const id = customerIds.get(customer.xid);
      if (id !== undefined && !customers.has(id)) customers.set(id, customer.partnerId);
    }
    const vendorOf = new Map([...vendors].map(([id, supplierId]) => [supplierId, id]));
    const refsByVendor = new Map<number, string[]>();
    for (const record of records) {
      const vendorId = record.partnerId === null ? undefined : vendorOf.get(record.partnerId);
      if (record.key.startsWith('supplier-invoice/') && vendorId !== undefined)
        refsByVendor.set(vendorId, [...(refsByVendor.get(vendorId) ?? []), record.reference]);
    }
    const odoo = await this.odooMoves.read({
      ids: records.flatMap((r) => invoiceIdOf(r.key) ?? []),
      billExternalIds: records.flatMap((r) => (r.billExternalId === null ? [] : [r.billExternalId])),
      refsByVendor,
      writtenFrom: window.start,
      writtenTo: window.end,
      customerIds: [...customers.keys()],
      vendorIds: [...vendors.keys()],
      batchSize,
      concurrency: this.config.reconciliation.odooConcurrency,
    });
    // Moves written now of records first seen in an earlier window are theirs, not "not on platform".
    const inWindow = new Set(records.map((r) => r.key));
    const known = await this.finance.known(
      odoo.flatMap((move) => {
        const supplierId = move.partnerId === null ? undefined : vendors.get(move.partnerId);
        const key =
          move.moveType === 'in_invoice'
            ? supplierId === undefined || move.ref === null
              ? undefined
              : supplierInvoiceKey(supplierId, move.ref)
            : invoiceKey(move.id);
        return key === undefined || inWindow.has(key) ? [] : [key];
      }),
    );
    const stuckAfterMs = this.config.reconciliation.stuckAfterMs;
    return {
      records,
      odoo,
      customers,
      vendors,
      // A posted invoice is exported by the customer's next batch window: not on finance.state before it.
      exportWithinMs: (partnerId) =>
        (this.catalog.partner(partnerId)?.invoicing?.batchWindowMinutes ?? 0) * 60_000 + stuckAfterMs,
      knownKeys: (key) => known.has(key),
    };
  }

  /** Reconciles the window, stores its proof and publishes its figures. */
  async run(window: { start: number; end: number }): Promise<ReconciliationRun> {
    const report = await this.compute(window);
    const run = await this.runs.record(window.start, window.end, report);
    this.metrics.observe(report);
    return run;
  }

  /** The latest run of each of the newest windows. */
  recent(limit: number): Promise<ReconciliationRun[]> {
    return this.runs.recent(limit);
  }

  latest(window: { start: number; end: number }): Promise<ReconciliationRun | undefined> {
    return this.runs.latest(window.start);
  }

  /** Recomputes the window and compares with its stored proof, storing nothing. */
  async verify(window: { start: number; end: number }): Promise<Verification> {
    const [stored, recomputed] = await Promise.all([this.runs.latest(window.start), this.compute(window)]);
    return { stored, recomputed, matches: stored?.report.checksum === recomputed.checksum };
  }
}
