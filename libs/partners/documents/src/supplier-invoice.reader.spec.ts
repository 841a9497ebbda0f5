import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DocumentFormat } from './document-format';
import {
  readCsvSupplierInvoices,
  readJsonSupplierInvoice,
  readX12SupplierInvoices,
} from './supplier-invoice.reader';
import { InvoicingDocumentType } from './supplier-invoice-document';
import { splitInvoicingDocument } from './supplier-invoice-document-split';

const bytes = (text: string) => new TextEncoder().encode(text);

function interchange(body: string[]): string {
  return (
    [
      'ISA*00*          *00*          *ZZ*BOLTWORKS      *ZZ*TRADEWIND      *261201*1200*U*00401*000000101*0*P*>',
      'GS*IN*BOLTWORKS*TRADEWIND*20261201*1200*101*X*004010',
      'ST*810*0001',
      ...body,
      `SE*${body.length + 2}*0001`,
      'GE*1*101',
      'IEA*1*000000101',
    ].join('~\n') + '~\n'
  );
}

describe('supplier invoices (X12 810 from a supplier, JSON)', () => {
  it('reads an 810: BIG date, number and PO, CUR, IT1 with our SKU and the part number, TDS', () => {
    const read = readX12SupplierInvoices(
      bytes(
        interchange([
          'BIG*20261201*BW-1001**P00012',
          'CUR*SE*USD',
          'IT1*1*12*EA*0.21**BP*SKU-1001*VP*BW-SB-M8',
          'IT1*2*2*CA*1.205**VP*BW-SN-M8-C12',
          'TDS*493',
          'CTT*2',
        ]),
      ),
    );
    assert.ok(read.ok, JSON.stringify(!read.ok && read.problems));
    const [invoice] = read.invoices;
    assert.deepEqual(
      [invoice.invoiceNumber, invoice.invoiceDate, invoice.poNumber, invoice.currency, invoice.totalMinor],
      ['BW-1001', '2026-12-01', 'P00012', 'USD', 493],
    );
    assert.deepEqual(
      invoice.lines.map((l) => [l.lineNumber, l.quantity, l.uom, l.unitPrice, l.sku, l.supplierPartNumber]),
      [
        ['1', 12, 'EA', '0.21', 'SKU-1001', 'BW-SB-M8'],
        ['2', 2, 'CA', '1.205', null, 'BW-SN-M8-C12'],
      ],
    );
  });

  it('refuses an 810 with every problem located: no PO number, a bad price, a line without a product, CTT wrong, a credit memo', () => {
    const read = readX12SupplierInvoices(
      bytes(
        interchange([
          'BIG*20261201*BW-1002*****CR',
          'IT1*1*12*EA*0,21**BP*SKU-1001',
          'IT1*2*1*EA*1.00',
          'CTT*3',
        ]),
      ),
    );
    assert.ok(!read.ok);
    assert.deepEqual(
      read.problems.map((p) => [p.code, p.location]),
      [
        ['X12_MISSING_ELEMENT', 'segment 4 (BIG), element 04, byte offset 196'],
        ['X12_INVALID_CODE', 'segment 4 (BIG), element 07, byte offset 199'],
        ['INVALID_NUMBER', 'segment 5 (IT1), element 04, byte offset 215'],
        ['X12_MISSING_ELEMENT', 'segment 6 (IT1), element 06'],
        ['X12_LINE_COUNT_MISMATCH', 'segment 7 (CTT), element 01, byte offset 255'],
      ],
    );
  });

  it('reads the JSON invoice; refuses money as a JSON number with its pointer', () => {
    const good = readJsonSupplierInvoice(
      bytes(
        JSON.stringify({
          type: 'tradewind.supplier-invoice',
          invoiceNumber: 'CT-77',
          invoiceDate: '2026-12-01',
          poNumber: 'P00013',
          currency: 'USD',
          total: '122.00',
          lines: [{ lineNumber: '1', sku: 'SKU-2001', quantity: 2, unitPrice: '61.00' }],
        }),
      ),
    );
    assert.ok(good.ok);
    assert.deepEqual([good.invoices[0].totalMinor, good.invoices[0].lines[0].unitPrice], [12200, '61.00']);
    const bad = readJsonSupplierInvoice(
      bytes(
        JSON.stringify({
          type: 'tradewind.supplier-invoice',
          invoiceNumber: 'CT-78',
          invoiceDate: '2026-13-01',
          poNumber: 'P00013',
          lines: [{ sku: 'SKU-2001', quantity: 2, unitPrice: 61 }],
        }),
      ),
    );
    assert.ok(!bad.ok);
    assert.deepEqual(
      bad.problems.map((p) => [p.code, p.location]),
      [
        ['INVALID_DATE', '/invoiceDate'],
        ['INVALID_AMOUNT', '/lines/0/unitPrice'],
      ],
    );
  });

  it('splits an upload into one slice named by its invoice numbers, or refuses another format', () => {
    const split = splitInvoicingDocument(
      InvoicingDocumentType.SupplierInvoice,
      DocumentFormat.X12,
      bytes(interchange(['BIG*20261201*BW-1003**P00012', 'IT1*1*1*EA*0.21**BP*SKU-1001'])),
    );
    assert.deepEqual([split.ok, split.slices[0]?.businessRef], [true, 'BW-1003']);
    const xml = splitInvoicingDocument(
      InvoicingDocumentType.SupplierInvoice,
      DocumentFormat.Xml,
      bytes('<a/>'),
    );
    assert.deepEqual([xml.ok, xml.documentProblems[0]?.code], [false, 'UNSUPPORTED_FORMAT']);
  });

  it('reads a CSV of several invoices (one row per line); refuses a bad row at its cell and a formula', () => {
    const csv = [
      'invoice_number,invoice_date,po_number,currency,line_number,sku,supplier_part_number,quantity,uom,unit_price',
      'CT-1,2026-12-01,P00013,USD,1,SKU-2001,,2,EA,61.00',
      'CT-1,2026-12-01,P00013,USD,2,,CT-BIT-SET,3,EA,9.50',
      'CT-2,2026-12-02,P00014,USD,1,SKU-2002,,1,EA,9.50',
    ].join('\n');
    const read = readCsvSupplierInvoices(bytes(csv));
    assert.ok(read.ok, JSON.stringify(!read.ok && read.problems));
    assert.deepEqual(
      read.invoices.map((i) => [
        i.invoiceNumber,
        i.poNumber,
        i.lines.map((l) => [l.sku, l.supplierPartNumber, l.quantity, l.unitPrice]),
      ]),
      [
        [
          'CT-1',
          'P00013',
          [
            ['SKU-2001', null, 2, '61.00'],
            [null, 'CT-BIT-SET', 3, '9.50'],
          ],
        ],
        ['CT-2', 'P00014', [['SKU-2002', null, 1, '9.50']]],
      ],
    );
    const bad = readCsvSupplierInvoices(
      bytes(
        [
          csv.split('\n')[0],
          'CT-3,2026-12-01,P00013,USD,1,=HYPERLINK(1),,2,EA,61',
          'CT-3,2026-12-01,P00099,USD,2,SKU-2001,,0,EA,1.0000001',
        ].join('\n'),
      ),
    );
    assert.ok(!bad.ok);
    assert.deepEqual(
      bad.problems.map((p) => [p.code, p.location]),
      [
        ['SCHEMA_VIOLATION', 'line 2, column 6 (sku)'],
        ['CSV_INCONSISTENT_ORDER', 'line 3, column 1 (invoice_number)'],
        ['INVALID_NUMBER', 'line 3, column 8 (quantity)'],
        ['INVALID_AMOUNT', 'line 3, column 10 (unit_price)'],
      ],
    );
  });
});
