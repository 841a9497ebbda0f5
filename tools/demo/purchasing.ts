// Demo purchasing (issue 11), played from tools/demo/traffic.ts: now and then a buyer confirms a purchase
// order for Boltworks in Odoo (the simulator, with the write key the demo holds anyway); purchase-orders
// sends it (an X12 850 in Boltworks' part numbers on partners.outbound), and Boltworks answers through the
// gateway like a supplier: an 855 that moves one line's date (Odoo's planned date follows) and
// raises the other line's price beyond tolerance (a business exception), then an 856 (shipped). What happens
// is printed from purchasing.state.
// Environment: ODOO_URL, ODOO_DB, ODOO_API_KEY (write), KAFKA_BROKERS, SCHEMA_REGISTRY_URL, and the
// `boltworks-supply` entry of TW_DEMO_KEYS.
import { type PurchaseOrderState, TOPICS } from '@tradewind/contracts';
import { AvroSerde, createKafka, startNewGroupAt } from '@tradewind/messaging';
import { Command, createOdooClient } from '@tradewind/odoo-client';
import { buildX12ShipNotice } from '@tradewind/partner-documents';
import { type PartnerClient, supplier855 } from '@tradewind/partner-testing';

const SUPPLIER = 'boltworks-supply';

export interface PurchasingDemoOptions {
  readonly client: PartnerClient;
  readonly odoo: { readonly url: string; readonly db: string; readonly apiKey: string };
  readonly kafkaBrokers: readonly string[];
  readonly registryUrl: string;
  readonly run: string;
}

interface Pending {
  readonly name: string;
  step: 'confirmed' | 'acknowledged' | 'shipped';
}

const compact = (day: Date) => day.toISOString().slice(0, 10).replace(/-/g, '');

export async function startPurchasingDemo(options: PurchasingDemoOptions): Promise<{
  turn: () => Promise<void>;
  stop: () => Promise<void>;
}> {
  const odoo = createOdooClient({ ...options.odoo, apiFlavor: 'json2' });
  const states = new Map<string, PurchaseOrderState>();
  const kafka = createKafka({
    brokers: [...options.kafkaBrokers],
    clientId: `tradewind-demo-po-${options.run}`,
  });
  const serde = new AvroSerde({ registryUrl: options.registryUrl });
  const groupId = `tradewind-demo-purchasing-${options.run}`;
  await startNewGroupAt(kafka, groupId, TOPICS.purchasingState, Date.now());
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.purchasingState });
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

  const vendor = await xid(odoo, 'tradewind', 'vendor_boltworks');
  const bolt = await xid(odoo, 'tradewind', 'product_sku_1001');
  const nut = await xid(odoo, 'tradewind', 'product_sku_1002');
  const dozen = await xid(odoo, 'uom', 'product_uom_dozen');
  let pending: Pending | undefined;
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
      pending = { name: String(order.name), step: 'confirmed' };
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
      pending = undefined;
    }
  }

  return {
    turn,
    stop: () => consumer.disconnect(),
  };
}

async function xid(odoo: ReturnType<typeof createOdooClient>, module: string, name: string): Promise<number> {
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
