// Well-formed orders of the three test partners, from the catalog's examples, made unique per call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { EXAMPLES_DIR } from './gateway-fixtures';

export const example = (name: string): string => readFileSync(join(EXAMPLES_DIR, name), 'utf8');

/** acme-portal's JSON order with this PO number. */
export const acmeOrder = (poNumber: string): string =>
  JSON.stringify({ ...(JSON.parse(example('acme-portal.sales-order.json')) as object), poNumber });

/** market-hub's CSV with its two orders renamed MH-<suffix>-001/002. */
export const marketCsv = (suffix: string): string =>
  example('market-hub.sales-orders.csv').replaceAll('MH-20240115-', `MH-${suffix}-`);

/** globex-edi's interchange of two 850s with this ISA13 (9 digits) and PO numbers GX-<isa13>-1/2. */
export const globexX12 = (isa13: string): string =>
  example('globex-edi.850.x12')
    .replaceAll('000000101', isa13)
    .replace('GX-45001', `GX-${isa13}-1`)
    .replace('GX-45002', `GX-${isa13}-2`);
