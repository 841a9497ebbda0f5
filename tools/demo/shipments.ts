// The demo's shipments: now and then the 3PL (harbor-3pl) ships a confirmed sale order of this run (an
// X12 856 with the order's lines), then the carrier (swift-parcel) and the 3PL report it step by step —
// label, pickup, transit (a late scan sent out of order now and then), out for delivery, delivered with a
// proof of delivery — through the gateway, signed. The summary line shows the milestones from
// shipments.state and how many Odoo deliveries of this run were validated (carrier_tracking_ref set).
import type { PartnerCredentials } from '@tradewind/partner-auth';
import {
  harborShipNotice,
  harborStatus,
  type PartnerClient,
  swiftTracking,
} from '@tradewind/partner-testing';

const PARTNER_OF_PREFIX: Readonly<Record<string, string>> = {
  ACME: 'acme-portal',
  MH: 'market-hub',
  BZ: 'bazaarly',
  GX: 'globex-edi',
};
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

interface DemoShipment {
  readonly shipmentId: string;
  readonly shipmentRef: string;
  readonly trackingNumber: string;
  readonly shipDate: string;
  step: number;
}

type Step = (s: DemoShipment, at: number) => ReturnType<typeof swiftTracking>;
const STEPS: readonly { label: string; send: Step }[] = [
  { label: 'label created', send: (s, at) => swiftTracking(s, `${s.shipmentRef}-1`, 'pre_transit', at) },
  { label: 'picked up (214 AF)', send: (s, at) => harborStatus(s, 'AF', at) },
  { label: 'in transit', send: (s, at) => swiftTracking(s, `${s.shipmentRef}-2`, 'in_transit', at) },
  {
    label: 'out for delivery',
    send: (s, at) => swiftTracking(s, `${s.shipmentRef}-3`, 'out_for_delivery', at),
  },
  // A scan from the hub that arrives after the van left: recorded in the history, the state stays.
  {
    label: 'late transit scan',
    send: (s, at) => swiftTracking(s, `${s.shipmentRef}-4`, 'in_transit', at - 3_600_000),
  },
  {
    label: 'delivered (with proof)',
    send: (s, at) =>
      swiftTracking(s, `${s.shipmentRef}-5`, 'delivered', at, {
        detail: 'signed_by_receiver',
        proofOfDelivery: { signedBy: 'Demo Receiver', image: PNG },
      }),
  },
];

export class ShipmentsDemo {
  private readonly moving: DemoShipment[] = [];
  private readonly shipped = new Set<number>();
  private serial = 0;

  constructor(
    private readonly client: PartnerClient,
    private readonly credentials: Readonly<Record<string, PartnerCredentials>>,
    private readonly odoo: { url: string; db: string; key: string },
    private readonly run: string,
  ) {}

  /** The carrier and 3PL partners have keys in TW_DEMO_KEYS (else the demo ships nothing). */
  get enabled(): boolean {
    return this.credentials['harbor-3pl'] !== undefined && this.credentials['swift-parcel'] !== undefined;
  }

  /** One turn: ship a new order now and then, and move every shipment one step. */
  async turn(turn: number): Promise<void> {
    if (!this.enabled) return;
    if (turn % 5 === 4) await this.shipNext();
    for (const shipment of this.moving.filter((s) => s.step < STEPS.length)) {
      const step = STEPS[shipment.step++];
      const result = await this.client.submit(step.send(shipment, Date.now()));
      console.log(`→ shipment ${shipment.trackingNumber}: ${step.label} → ${result.status}`);
    }
  }

  /** Validated deliveries of this run in Odoo (done, with the carrier's tracking reference). */
  async summaryLine(): Promise<string> {
    if (!this.enabled) return '   shipments: no carrier/3PL keys in TW_DEMO_KEYS';
    const done = await this.odooCall<number>('stock.picking', 'search_count', {
      domain: [
        ['carrier_tracking_ref', 'ilike', `SWFT${this.run}`],
        ['state', '=', 'done'],
      ],
    }).catch((error: Error) => error.message);
    const delivered = this.moving.filter((s) => s.step >= STEPS.length).length;
    return `   shipments this run: ${this.moving.length} (${delivered} delivered); Odoo deliveries validated: ${String(done)}`;
  }

  private async shipNext(): Promise<void> {
    const orders = await this.odooCall<{ id: number; client_order_ref: string }[]>(
      'sale.order',
      'search_read',
      {
        domain: [
          ['client_order_ref', 'ilike', `-${this.run}-`],
          ['state', '=', 'sale'],
        ],
        fields: ['client_order_ref'],
      },
    );
    const order = orders.find((o) => !this.shipped.has(o.id));
    if (order === undefined) return;
    this.shipped.add(order.id);
    const lines = await this.odooCall<{ product_id: [number, string]; product_uom_qty: number }[]>(
      'sale.order.line',
      'search_read',
      { domain: [['order_id', '=', order.id]], fields: ['product_id', 'product_uom_qty'] },
    );
    const customer = PARTNER_OF_PREFIX[order.client_order_ref.split('-')[0]];
    if (customer === undefined) return;
    const shipDate = new Date().toISOString().slice(0, 10);
    const trackingNumber = `SWFT${this.run}${String(++this.serial).padStart(4, '0')}`;
    const shipment: DemoShipment = {
      shipmentId: `SWFT/${trackingNumber}/${shipDate}`,
      shipmentRef: `HB-${this.run}-${this.serial}`,
      trackingNumber,
      shipDate,
      step: 0,
    };
    const notice = harborShipNotice(
      {
        ...shipment,
        customer,
        poNumber: order.client_order_ref,
        lines: lines.map((l) => ({
          sku: /^\[([^\]]+)\]/.exec(l.product_id[1])?.[1] ?? '',
          quantity: l.product_uom_qty,
        })),
      },
      Date.now(),
    );
    const result = await this.client.submit(notice);
    console.log(`→ harbor-3pl ships ${order.client_order_ref} (856, ${trackingNumber}) → ${result.status}`);
    if (result.status === 202) this.moving.push(shipment);
  }

  private async odooCall<T>(model: string, method: string, body: Record<string, unknown>): Promise<T> {
    const response = await fetch(`${this.odoo.url}/json/2/${model}/${method}`, {
      method: 'POST',
      headers: {
        authorization: `bearer ${this.odoo.key}`,
        'x-odoo-database': this.odoo.db,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`Odoo HTTP ${response.status}`);
    return (await response.json()) as T;
  }
}
