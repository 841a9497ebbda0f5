import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

import { HEADER, TOPIC_CATALOG, TOPICS, type TopicValue } from '@tradewind/contracts';
import { Type } from 'avsc';

import type { AvroRecordJson } from './avro-schema';
import { loadCatalog } from './catalog';
import {
  constantName,
  enumMemberName,
  generateContracts,
  GENERATED_HEADER,
  renderTypesModule,
  staleFiles,
} from './codegen';
import { REPO_ROOT } from './paths';
import { SchemaToolErrorCode, SchemaToolException } from './schema-tool.exception';

const shipment: AvroRecordJson = {
  type: 'record',
  name: 'Shipment',
  namespace: 'io.test.shipments',
  doc: 'One shipment. Comments may contain */ safely.',
  fields: [
    { name: 'shipmentId', type: 'string', doc: 'Carrier tracking number.' },
    { name: 'weightGrams', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'label', type: 'bytes' },
    { name: 'proofOfDelivery', type: ['null', 'bytes'], default: null },
    { name: 'shippedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    {
      name: 'status',
      type: {
        type: 'enum',
        name: 'ShipmentStatus',
        symbols: ['UNKNOWN', 'PLANNED', 'IN_TRANSIT', 'DELIVERED'],
        default: 'UNKNOWN',
      },
    },
    {
      name: 'parcels',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Parcel',
          fields: [
            { name: 'parcelId', type: 'string' },
            {
              name: 'dimensions',
              type: [
                'null',
                { type: 'record', name: 'Dimensions', fields: [{ name: 'lengthMm', type: 'int' }] },
              ],
              default: null,
            },
          ],
        },
      },
    },
    { name: 'previousParcels', type: { type: 'array', items: ['null', 'Parcel'] }, default: [] },
    { name: 'attributes', type: { type: 'map', values: 'double' }, default: {} },
  ],
};

void describe('contracts code generation', () => {
  void it('generates one interface per record, nested and nullable types included', async () => {
    Type.forSchema(shipment as never); // the fixture itself is valid Avro
    const code = await renderTypesModule([{ shown: 'shipment.avsc', json: shipment }]);
    assert.ok(code.startsWith(GENERATED_HEADER));
    assert.match(code, /export interface Shipment \{/);
    assert.match(code, /\n {2}shipmentId: string;/);
    assert.match(code, /\/\*\* Carrier tracking number\. \*\/\n {2}shipmentId: string;/);
    assert.match(code, /\n {2}weightGrams: number;/);
    assert.match(code, /\n {2}note: string \| null;/);
    assert.match(code, /\n {2}label: Buffer;/);
    assert.match(code, /\n {2}proofOfDelivery: Buffer \| null;/);
    assert.match(code, /Epoch milliseconds \(Avro `timestamp-millis`\)\. \*\/\n {2}shippedAt: number;/);
    assert.match(code, /\n {2}status: ShipmentStatus;/);
    assert.match(
      code,
      /export const ShipmentStatus = \{\n {2}Unknown: 'UNKNOWN',\n {2}Planned: 'PLANNED',\n {2}InTransit: 'IN_TRANSIT',/,
    );
    assert.match(code, /A reader that does not know a symbol decodes it as `UNKNOWN`\./);
    assert.match(
      code,
      /export type ShipmentStatus = \(typeof ShipmentStatus\)\[keyof typeof ShipmentStatus\];/,
    );
    assert.match(code, /\n {2}parcels: Parcel\[\];/);
    assert.match(code, /export interface Parcel \{/);
    assert.match(code, /\n {2}dimensions: Dimensions \| null;/);
    assert.match(code, /export interface Dimensions \{\n {2}lengthMm: number;\n\}/);
    assert.match(code, /\n {2}previousParcels: \(Parcel \| null\)\[\];/);
    assert.match(code, /\n {2}attributes: Record<string, number>;/);
    assert.match(code, /Avro record `io\.test\.shipments\.Shipment`/);
    assert.match(code, /Comments may contain \*\\\/ safely/);
    // Parents come before the types nested in them, in schema order.
    assert.ok(code.indexOf('interface Shipment') < code.indexOf('interface Parcel'));
    assert.ok(code.indexOf('interface Parcel') < code.indexOf('interface Dimensions'));
  });

  void it('refuses a union of two non-null types with a clear message', async () => {
    const ambiguous: AvroRecordJson = {
      type: 'record',
      name: 'Payment',
      fields: [{ name: 'amount', type: ['null', 'string', 'double'], default: null }],
    };
    await assert.rejects(
      renderTypesModule([{ shown: 'schemas/avro/payments.avsc', json: ambiguous }]),
      (error: unknown) => {
        assert.ok(error instanceof SchemaToolException);
        assert.equal(error.code, SchemaToolErrorCode.SchemaUnsupported);
        assert.match(
          error.message,
          /^schemas\/avro\/payments\.avsc: field "Payment\.amount" is a union of null, string, double; only \["null", T\] unions are supported/,
        );
        return true;
      },
    );
  });

  void it('refuses two records that would get the same TypeScript name', async () => {
    const a: AvroRecordJson = { type: 'record', name: 'Reason', namespace: 'io.a', fields: [] };
    const b: AvroRecordJson = { type: 'record', name: 'Reason', namespace: 'io.b', fields: [] };
    await assert.rejects(
      renderTypesModule([
        { shown: 'a.avsc', json: a },
        { shown: 'b.avsc', json: b },
      ]),
      /b\.avsc: io\.b\.Reason and io\.a\.Reason would both become the TypeScript type Reason/,
    );
  });

  void it('refuses an enum without a default symbol, and symbols that would share a member name', async () => {
    const record = (symbols: string[], fallback?: string): AvroRecordJson => ({
      type: 'record',
      name: 'Parcel',
      fields: [{ name: 'state', type: { type: 'enum', name: 'ParcelState', symbols, default: fallback } }],
    });
    await assert.rejects(
      renderTypesModule([{ shown: 'parcels.avsc', json: record(['OPEN', 'CLOSED']) }]),
      /parcels\.avsc: enum ParcelState has no "default" symbol; add one \(e\.g\. "unknown"\)/,
    );
    await assert.rejects(
      renderTypesModule([
        { shown: 'parcels.avsc', json: record(['unknown', 'in_transit', 'IN_TRANSIT'], 'unknown') },
      ]),
      /enum ParcelState: symbols "in_transit" and "IN_TRANSIT" both become InTransit/,
    );
  });

  void it('names enum members in Pascal case', () => {
    assert.equal(enumMemberName('upsert_sale_order'), 'UpsertSaleOrder');
    assert.equal(enumMemberName('x12'), 'X12');
    assert.equal(enumMemberName('IN_TRANSIT'), 'InTransit');
  });

  void it('generates the header names from the catalog', async () => {
    const catalog = loadCatalog({ schemasDir: path.join(REPO_ROOT, 'schemas') });
    const headers = (await generateContracts(catalog)).find((file) => file.name === 'headers.ts')!;
    assert.match(headers.content, /\/\*\* Unique id of the record[^*]*\*\/\n {2}messageId: 'message-id',/);
    assert.equal(HEADER.messageId, 'message-id');
    assert.equal(HEADER.consumerGroup, 'tw-consumer-group');
  });

  void it('names topic constants in camel case', () => {
    assert.equal(constantName('ingress.documents'), 'ingressDocuments');
    assert.equal(constantName('orders.state.v2'), 'ordersStateV2');
    assert.equal(constantName('ops-dead_letter'), 'opsDeadLetter');
  });

  void it('matches the committed libs/platform/contracts (run ./tradewind schemas generate when this fails)', async () => {
    const catalog = loadCatalog({ schemasDir: path.join(REPO_ROOT, 'schemas') });
    const generated = await generateContracts(catalog);
    const stale = staleFiles(path.join(REPO_ROOT, 'libs/platform/contracts/src/generated'), generated);
    assert.deepEqual(stale, []);
  });

  void it('exposes topic constants, the value map and the catalog with parsed schemas', () => {
    assert.equal(TOPICS.ingressDocuments, 'ingress.documents');
    const entry = TOPIC_CATALOG[TOPICS.ordersState];
    assert.equal(entry.subject, 'orders.state-value');
    assert.equal(entry.cleanupPolicy, 'compact');
    assert.equal(entry.owner, 'order-intake');
    assert.equal(entry.valueType, 'io.tradewind.orders.SalesOrderState');
    const type = Type.forSchema(entry.valueSchema);
    const value: TopicValue<'orders.state'> = {
      orderId: 'acme/PO-1',
      partnerId: 'acme',
      poNumber: 'PO-1',
      status: 'received',
      version: 1,
      documentIds: ['doc-1'],
      customerRef: null,
      odooPartnerId: null,
      currency: null,
      lines: [{ lineNo: 1, partnerSku: 'A-1', sku: null, quantity: 2, uom: 'unit', unitPrice: null }],
      rejectionReasons: [],
      odooExternalId: null,
      odooOrderId: null,
      updatedAt: 1_700_000_000_000,
      duplicateDocumentIds: [],
    };
    // avsc decodes records as class instances: compare their JSON.
    assert.deepEqual(JSON.parse(JSON.stringify(type.fromBuffer(type.toBuffer(value)))), value);
  });
});
