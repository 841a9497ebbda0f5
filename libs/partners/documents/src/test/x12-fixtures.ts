// Builds X12 850 interchanges for tests, with SE01/CTT01/GE01 counted so that only deliberate damage shows.

export interface PurchaseOrderFixture {
  readonly poNumber: string;
  readonly date?: string;
  readonly buyer?: string;
  readonly currency?: string;
  /** [PO101, PO102, PO103, PO104, ...qualifier/id pairs] */
  readonly lines: readonly (readonly string[])[];
  readonly controlNumber?: string;
}

export interface InterchangeFixtureOptions {
  readonly isa13?: string;
  readonly gs06?: string;
  readonly eol?: string;
}

export function purchaseOrderSet(order: PurchaseOrderFixture, index: number): string[] {
  const st02 = order.controlNumber ?? String(index + 1).padStart(4, '0');
  const body = [
    `BEG*00*SA*${order.poNumber}**${order.date ?? '20240115'}`,
    `CUR*BY*${order.currency ?? 'USD'}`,
    `N1*BY*Globex Retail Corp*92*${order.buyer ?? 'GLOBEX-HQ'}`,
    ...order.lines.map(([n, qty, uom, price, ...ids]) => ['PO1', n, qty, uom, price, '', ...ids].join('*')),
    `CTT*${order.lines.length}`,
  ];
  return [`ST*850*${st02}`, ...body, `SE*${body.length + 2}*${st02}`];
}

export function interchange850(
  orders: readonly PurchaseOrderFixture[],
  options: InterchangeFixtureOptions = {},
): string {
  const isa13 = options.isa13 ?? '000000017';
  const gs06 = options.gs06 ?? '17';
  const eol = options.eol ?? '\n';
  const segments = [
    `ISA*00*          *00*          *ZZ*GLOBEXEDI      *ZZ*TRADEWIND      *240115*1200*U*00401*${isa13}*0*P*>`,
    `GS*PO*GLOBEXEDI*TRADEWIND*20240115*1200*${gs06}*X*004010`,
    ...orders.flatMap((o, i) => purchaseOrderSet(o, i)),
    `GE*${orders.length}*${gs06}`,
    `IEA*1*${isa13}`,
  ];
  return segments.map((s) => `${s}~${eol}`).join('');
}

export const BOLTS: PurchaseOrderFixture = {
  poNumber: 'PO-1',
  lines: [
    ['1', '100', 'EA', '0.40', 'VP', 'SKU-1001'],
    ['2', '2', 'CA', '1.44', 'BP', 'GX-88002', 'UP', '012345600029'],
  ],
};

export const orderFixture = (poNumber: string, lines = BOLTS.lines): PurchaseOrderFixture => ({
  poNumber,
  lines,
});

export const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');
