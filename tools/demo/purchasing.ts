// Demo purchasing (issue 11), played from tools/demo/traffic.ts: now and then a buyer confirms a purchase
// order for Boltworks in Odoo (the simulator, with the write key the demo holds anyway); purchase-orders
// sends it (an X12 850 in Boltworks' part numbers on partners.outbound), and Boltworks answers through the
// gateway like a supplier: an 855 that moves one line's date (Odoo's planned date follows) and
// raises the other line's price beyond tolerance (a business exception), then an 856 (shipped). Then the
// goods arrive: the receipt is validated in Odoo and the WMS reports it (the WMS owns stock on hand,
// decision 0015), and Boltworks sends its 810: every second order billed at the order's prices (one posted
// vendor bill in Odoo), the others with line 2 at the +25% its 855 asked for (held: a
// SUPPLIER_INVOICE_MISMATCH with the difference on ops.exceptions); the gateway answers each 810 with a
// 997, delivered to Boltworks like the 997 of a customer's 850. What happens is printed from
// purchasing.state and finance.state.
// Environment: ODOO_URL, ODOO_DB, ODOO_API_KEY (write), KAFKA_BROKERS, SCHEMA_REGISTRY_URL, and the
// `boltworks-supply` entry of TW_DEMO_KEYS.
import { type FinanceState, type PurchaseOrderState, TOPICS } from '@tradewind/contracts';
import { AvroSerde, createKafka, startNewGroupAt } from '@tradewind/messaging';
import { Command, createOdooClient } from '@tradewind/odoo-client';
import { buildX12ShipNotice, fromMinorUnits } from '@tradewind/partner-documents';
import {
  type PartnerClient,
  supplier810,
  supplier855,
  type SupplierInvoiceFixture,
} from '@tradewind/partner-testing';

type Odoo = ReturnType<typeof createOdooClient>;

/** What a receipt put in stock: units of a SKU in a warehouse (by its code). */
export interface Received {
  readonly sku: string;
  readonly warehouse: string;
  readonly quantity: number;
}

const SUPPLIER = 'boltworks-supply';

export interface PurchasingDemoOptions {
  readonly client: PartnerClient;
  readonly odoo: { readonly url: string; readonly db: string; readonly apiKey: string };
  readonly kafkaBrokers: readonly string[];
  readonly registryUrl: string;
  readonly run: string;
  /** The WMS reports goods it received (tools/demo/traffic.ts: northwind-wms's stock events). */
  readonly receivedAtWms: (received: readonly Received[], what: string) => Promise<void>;
}

export interface PurchasingDemo {
  turn: () => Promise<void>;
  summaryLine: () => Promise<string>;
  stop: () => Promise<void>;
}

interface Pending {
  readonly name: string;
  /** Every second order is billed at its prices; the others with line 2 at its 855's +25%. */
  readonly overcharged: boolean;
  step: 'confirmed' | 'acknowledged' | 'shipped' | 'received';
}

const compact = (day: Date) => day.toISOString().slice(0, 10).replace(/-/g, '');

export async function startPurchasingDemo(options: PurchasingDemoOptions): Promise<PurchasingDemo> {
  const odoo = createOdooClient({ ...options.odoo, apiFlavor: 'json2' });
  const states = new Map<string, PurchaseOrderState>();
  const kafka = createKafka({
    brokers: [...options.kafkaBrokers],
    clientId: `tradewind-demo-po-${options.run}`,
  });
  const serde = new AvroSerde({ registryUrl: options.registryUrl });
  const groupId = `tradewind-demo-purchasing-${options.run}`;
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.purchasingState });
  await startNewGroupAt(kafka, consumer, groupId, TOPICS.purchasingState, Date.now());
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value === null) return;
      const { value } = await serde.decode<PurchaseOrderState>(message.value);
      if (value.supplierId !== SUPPLIER) return;
      const before = states.get(value.poNumber);
      states.set(value.poNumber, value);
      if (before?.status !== value.status || before.revision !== value.revision) {
        const last = value.trace.at(-1);
        console.log(
          `   purchasing: ${value.poNumber} → ${value.status} (r${value.revision}) ${last?.detail ?? ''}`,
        );
      }
    },
  });

  // finance.state: the supplier invoices of this run, their latest state each
  const bills = new Map<string, FinanceState>();
  const invoiceNumbers: string[] = [];
  const billsGroup = `tradewind-demo-supplier-bills-${options.run}`;
  const billsConsumer = kafka.consumer({ groupId: billsGroup });
  await billsConsumer.connect();
  await billsConsumer.subscribe({ topic: TOPICS.financeState });
  await startNewGroupAt(kafka, billsConsumer, billsGroup, TOPICS.financeState, Date.now());
  await billsConsumer.run({
    eachMessage: async ({ message }) => {
      const key = message.key?.toString() ?? '';
      if (message.value === null || !key.startsWith(`supplier-invoice/${SUPPLIER}/`)) return;
      try {
        const { value } = await serde.decode<FinanceState>(message.value);
        if (!invoiceNumbers.includes(value.reference)) return;
        const before = bills.get(value.key);
        if (before !== undefined && before.version > value.version) return;
        bills.set(value.key, value);
        if (before?.status !== value.status) console.log(`   supplier bills: ${describeBill(value)}`);
      } catch (error) {
        console.log(`   supplier bills: finance.state unreadable: ${(error as Error).message}`);
      }
    },
  });

  const vendor = await xid(odoo, 'tradewind', 'vendor_boltworks');
  const bolt = await xid(odoo, 'tradewind', 'product_sku_1001');
  const nut = await xid(odoo, 'tradewind', 'product_sku_1002');
  const dozen = await xid(odoo, 'uom', 'product_uom_dozen');
  let pending: Pending | undefined;
  let ordersPlaced = 0;
  let control = 700_000_000 + (Math.floor(Date.now() / 1000) % 200_000_000);

  const submit = async (documentType: string, body: string, what: string) => {
    const result = await options.client.submit(
      { partnerId: SUPPLIER, documentType, contentType: 'application/edi-x12', body },
      { idempotencyKey: `${documentType}-${control}` },
    );
    console.log(`→ ${SUPPLIER} ${what}: ${result.status}`);
  };
  const parties = () => ({ senderId: 'BOLTWORKS', receiverId: 'TRADEWIND', controlNumber: ++control });

  async function turn(): Promise<void> {
    if (pending === undefined) {
      const [id] = await odoo.create('purchase.order', [
        {
          partner_id: vendor,
          order_line: [
            Command.create({ product_id: bolt, product_qty: 2000 }),
            Command.create({ product_id: nut, product_qty: 10, product_uom: dozen, price_unit: 1.2 }),
          ],
        },
      ]);
      await odoo.callAction('purchase.order', 'button_confirm', [id]);
      const [order] = await odoo.read('purchase.order', [id], ['name']);
      pending = { name: String(order.name), overcharged: ordersPlaced++ % 2 === 1, step: 'confirmed' };
      console.log(`→ buyer confirmed purchase order ${pending.name} for Boltworks in Odoo`);
      return;
    }
    const state = states.get(pending.name);
    if (state === undefined) return; // not sent yet (the next poll or the webhook sends it)
    const sent = state.trace.find((t) => t.status === 'sent');
    if (pending.step === 'confirmed' && sent !== undefined) {
      const later = new Date(Date.parse(state.lines[0].expectedDate) + 5 * 86_400_000);
      await submit(
        'po-acknowledgement',
        supplier855(parties(), pending.name, 'AC', [
          {
            lineNumber: '1',
            status: 'DR',
            quantity: state.lines[0].quantity,
            uom: state.lines[0].uom,
            unitPrice: state.lines[0].unitPrice,
            partNumber: state.lines[0].supplierPartNumber,
            date: compact(later),
          },
          {
            lineNumber: '2',
            status: 'IP',
            quantity: state.lines[1].quantity,
            uom: state.lines[1].uom,
            unitPrice: Math.round(state.lines[1].unitPrice * 125) / 100,
            partNumber: state.lines[1].supplierPartNumber,
          },
        ]),
        `855 for ${pending.name} (line 1 five days later, line 2 +25%)`,
      );
      pending.step = 'acknowledged';
      return;
    }
    if (pending.step === 'acknowledged' && state.status === 'changed') {
      const shipDate = state.lines[0].ackDate ?? state.lines[0].expectedDate;
      const c = ++control;
      await submit(
        'supplier-ship-notice',
        buildX12ShipNotice(
          [
            {
              purpose: '00',
              shipmentId: `BW-${pending.name}`,
              shipDate,
              orders: [
                {
                  poNumber: pending.name,
                  packs: [
                    {
                      items: state.lines.map((line) => ({
                        lineNumber: line.lineNumber,
                        itemIds: [{ qualifier: 'VP', value: line.supplierPartNumber }],
                        quantity: line.quantity,
                        uom: line.uom,
                      })),
                    },
                  ],
                },
              ],
            },
          ],
          {
            senderQualifier: 'ZZ',
            senderId: 'BOLTWORKS',
            receiverQualifier: 'ZZ',
            receiverId: 'TRADEWIND',
            interchangeControlNumber: c,
            groupControlNumber: c,
            setControlNumber: 1,
            preparedAt: new Date(),
          },
        ),
        `856 for ${pending.name}`,
      );
      pending.step = 'shipped';
      return;
    }
    if (pending.step === 'shipped') {
      // Odoo's receipt first, then the WMS's count: see receivePurchaseOrder for why in that order.
      const received = await receivePurchaseOrder(odoo, pending.name);
      const what = received.map((r) => `${r.sku} ${r.warehouse} +${r.quantity}`).join(', ');
      console.log(`→ goods of ${pending.name} received: receipt validated in Odoo (${what})`);
      pending.step = 'received';
      await options.receivedAtWms(received, `goods of ${pending.name} received: ${what}`);
      return;
    }
    if (pending.step === 'received') {
      const invoice = supplierInvoiceFor(state, {
        invoiceNumber: `BW-INV-${options.run}-${invoiceNumbers.length + 1}`,
        invoiceDate: new Date().toISOString().slice(0, 10),
        overcharged: pending.overcharged,
      });
      invoiceNumbers.push(invoice.invoiceNumber);
      const result = await options.client.submit(
        {
          partnerId: SUPPLIER,
          documentType: 'supplier-invoice',
          contentType: 'application/edi-x12',
          body: supplier810(parties(), invoice),
        },
        { idempotencyKey: `supplier-invoice-${invoice.invoiceNumber}` },
      );
      console.log(
        `→ ${SUPPLIER} 810 ${invoice.invoiceNumber} for ${pending.name}` +
          ` (${pending.overcharged ? 'line 2 at the +25% its 855 asked for' : "at the order's prices"}): ${result.status}`,
      );
      pending = undefined;
    }
  }

  return {
    turn,
    summaryLine: () => supplierBillsLine(odoo, invoiceNumbers, bills.values()),
    stop: async () => {
      await consumer.disconnect();
      await billsConsumer.disconnect();
    },
  };
}

/**
 * Validates the receipt of a purchase order in Odoo (in real life confirmed from the WMS) and says what it
 * put in stock, per SKU and warehouse, in product units (a dozen is 12). The WMS owns stock on hand:
 * inventory-sync sets Odoo's quants to the WMS's count (decision 0021), so the WMS reports the same
 * receipt right after (PurchasingDemoOptions.receivedAtWms) and the two agree again. Between the two
 * (milliseconds, unless the WMS's report fails) a reconciliation run that happens to fall there sees Odoo
 * above the ledger (a STOCK_DRIFT, changed-in-odoo) and sets Odoo back to the ledger; the WMS's receipt
 * then raises the ledger and the next run sets Odoo to it: a transient drift on ops.exceptions, never a
 * lasting one. Odoo first is the order that leaves nothing to correct when no run falls in between
 * (the WMS first would always leave Odoo one receipt ahead once it is validated).
 */
export async function receivePurchaseOrder(odoo: Odoo, poName: string): Promise<Received[]> {
  const [order] = await odoo.searchRead('purchase.order', [['name', '=', poName]], { fields: ['id'] });
  if (order === undefined) throw new Error(`purchase order ${poName} is not in Odoo`);
  const pickings = await odoo.searchRead(
    'stock.picking',
    [
      ['purchase_id', '=', order.id],
      ['state', 'not in', ['done', 'cancel']],
    ],
    { fields: ['id', 'location_dest_id'] },
  );
  if (pickings.length === 0) return [];
  const moves = await odoo.searchRead('stock.move', [['picking_id', 'in', pickings.map((p) => p.id)]], {
    fields: ['product_id', 'product_uom_qty', 'location_dest_id'],
  });
  const warehouses = await odoo.searchRead('stock.warehouse', [], { fields: ['code', 'lot_stock_id'] });
  const products = await odoo.read(
    'product.product',
    [...new Set(moves.map((m) => idOf(m.product_id)))],
    ['default_code'],
  );
  for (const picking of pickings) await odoo.callAction('stock.picking', 'button_validate', [picking.id]);
  const received = new Map<string, Received>();
  for (const move of moves) {
    const warehouse = warehouses.find((w) => idOf(w.lot_stock_id) === idOf(move.location_dest_id));
    const sku = products.find((p) => p.id === idOf(move.product_id))?.default_code;
    if (warehouse === undefined || typeof sku !== 'string') continue; // not a warehouse's stock: not the WMS's
    const key = `${sku}/${String(warehouse.code)}`;
    const quantity = (received.get(key)?.quantity ?? 0) + Number(move.product_uom_qty);
    received.set(key, { sku, warehouse: String(warehouse.code), quantity });
  }
  return [...received.values()];
}

/**
 * Boltworks' invoice for an order it shipped in full: its lines as purchasing.state has them (the
 * supplier's units and part numbers, the order's prices), or line 2 at the +25% its 855 asked for.
 */
export function supplierInvoiceFor(
  state: PurchaseOrderState,
  invoice: { invoiceNumber: string; invoiceDate: string; overcharged: boolean },
): SupplierInvoiceFixture {
  return {
    invoiceNumber: invoice.invoiceNumber,
    invoiceDate: invoice.invoiceDate,
    poNumber: state.poNumber,
    currency: state.currency,
    lines: state.lines.map((line, index) => ({
      lineNumber: line.lineNumber,
      quantity: line.quantity,
      uom: line.uom,
      unitPrice: String(
        invoice.overcharged && index === 1 ? Math.round(line.unitPrice * 125) / 100 : line.unitPrice,
      ),
      sku: line.sku,
      partNumber: line.supplierPartNumber,
    })),
  };
}

/** `supplier bills: n posted in Odoo, m held` for the invoices sent: Odoo's vendor bills by ref, finance.state. */
export async function supplierBillsLine(
  odoo: Odoo,
  invoiceNumbers: readonly string[],
  states: Iterable<FinanceState>,
): Promise<string> {
  const latest = [...states];
  const held = latest.filter((s) => s.status === 'held').length;
  const posted =
    invoiceNumbers.length === 0
      ? 0
      : await odoo.searchCount('account.move', [
          ['move_type', '=', 'in_invoice'],
          ['ref', 'in', [...invoiceNumbers]],
          ['state', '=', 'posted'],
        ]);
  const onState = latest.filter((s) => s.status === 'posted').length;
  return (
    `   supplier bills: ${posted} posted in Odoo, ${held} held` +
    ` (of ${invoiceNumbers.length} sent; finance.state: ${onState} posted, ${held} held)`
  );
}

function describeBill(state: FinanceState): string {
  const amount = `${fromMinorUnits(state.amountMinor, state.currency)} ${state.currency}`;
  const what = `${state.reference} for ${state.purchaseOrder ?? '?'}`;
  if (state.status === 'held') return `${what} held (${amount}): ${state.differences.join('; ')}`;
  if (state.status === 'posted') return `${what} posted in Odoo (${amount}, ${state.billExternalId ?? ''})`;
  return `${what} ${state.status} (${amount})${state.reason ? `: ${state.reason}` : ''}`;
}

const idOf = (value: unknown): number => (Array.isArray(value) ? Number(value[0]) : Number(value));

async function xid(odoo: Odoo, module: string, name: string): Promise<number> {
  const [row] = await odoo.searchRead(
    'ir.model.data',
    [
      ['module', '=', module],
      ['name', '=', name],
    ],
    { fields: ['res_id'] },
  );
  if (row === undefined) throw new Error(`demo purchasing: ${module}.${name} is not in Odoo (seed)`);
  return Number(row.res_id);
}
