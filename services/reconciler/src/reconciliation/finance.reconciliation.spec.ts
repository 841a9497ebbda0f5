import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FinanceStatus, FinanceSubject } from '@tradewind/contracts';

import { planWithoutOrders } from '../test/redrive.fixtures';
import {
  billDifferences,
  type FinanceLeg,
  INVOICE_WORKFLOW,
  invoiceDifferences,
  type OdooMove,
  PAYMENT_WORKFLOW,
  type PlatformFinanceRecord,
} from './finance.reconciliation';
import { DiscrepancyClass, reconcileWindow } from './reconciliation';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const POLICY = { stuckAfterMs: 30 * 60_000, acknowledgeWithinMs: 60 * 60_000 };
const HOURS_AGO = NOW - 2 * 60 * 60_000;
const CUSTOMER = 7;
const VENDOR = 42;

/** A customer invoice exported to globex: 121.00 with tax, nothing paid yet. */
function invoice(id: number, overrides: Partial<PlatformFinanceRecord> = {}): PlatformFinanceRecord {
  return {
    key: `invoice/${id}`,
    subject: FinanceSubject.Invoice,
    status: FinanceStatus.Exported,
    partnerId: 'globex',
    reference: `INV/2026/${id}`,
    currency: 'USD',
    amountMinor: 12_100,
    residualMinor: 12_100,
    billExternalId: null,
    reason: null,
    receivedAt: HOURS_AGO,
    ...overrides,
  };
}

/** Boltworks' invoice B-<n>, posted as a vendor bill of 25.20. */
function supplierInvoice(
  number: string,
  overrides: Partial<PlatformFinanceRecord> = {},
): PlatformFinanceRecord {
  return {
    key: `supplier-invoice/boltworks/${number}`,
    subject: FinanceSubject.SupplierInvoice,
    status: FinanceStatus.Posted,
    partnerId: 'boltworks',
    reference: number,
    currency: 'USD',
    amountMinor: 2_520,
    residualMinor: null,
    billExternalId: `tradewind.bill_${number}`,
    reason: null,
    receivedAt: HOURS_AGO,
    ...overrides,
  };
}

function entry(id: string, status: FinanceStatus): PlatformFinanceRecord {
  return {
    key: `settlement/harbor-bank/STMT-1/${id}`,
    subject: FinanceSubject.SettlementEntry,
    status,
    partnerId: 'harbor-bank',
    reference: id,
    currency: 'USD',
    amountMinor: 5_000,
    residualMinor: null,
    billExternalId: null,
    reason: status === FinanceStatus.Unmatched ? 'no reference, no open invoice of 50.00' : null,
    receivedAt: HOURS_AGO,
  };
}

function move(id: number, overrides: Partial<OdooMove> = {}): OdooMove {
  return {
    id,
    name: `INV/2026/${id}`,
    moveType: 'out_invoice',
    state: 'posted',
    paymentState: 'not_paid',
    partnerId: CUSTOMER,
    ref: null,
    externalId: null,
    amountUntaxedMinor: 11_000,
    amountTotalMinor: 12_100,
    amountResidualMinor: 12_100,
    writtenAt: HOURS_AGO,
    ...overrides,
  };
}

function bill(id: number, number: string, overrides: Partial<OdooMove> = {}): OdooMove {
  return move(id, {
    name: `BILL/2026/${id}`,
    moveType: 'in_invoice',
    partnerId: VENDOR,
    ref: number,
    externalId: `tradewind.bill_${number}`,
    amountUntaxedMinor: 2_520,
    amountTotalMinor: 2_520,
    amountResidualMinor: 2_520,
    ...overrides,
  });
}

const leg = (records: PlatformFinanceRecord[], odoo: OdooMove[], known: string[] = []): FinanceLeg => ({
  records,
  odoo,
  customers: new Map([[CUSTOMER, 'globex']]),
  vendors: new Map([[VENDOR, 'boltworks']]),
  exportWithinMs: () => 60 * 60_000,
  knownKeys: (key) => known.includes(key),
});

const run = (finance: FinanceLeg) =>
  reconcileWindow({ orders: [], odoo: [], now: NOW, policy: POLICY, finance });

const classes = (result: ReturnType<typeof reconcileWindow>) =>
  result.discrepancies.map((d) => `${d.workflow} ${d.partnerId} ${d.class} ${d.orderId}`).sort();

describe('finance: finance.state against Odoo journal entries', () => {
  it('a clean window is complete per partner and workflow, amounts from amountMinor', () => {
    const result = run(
      leg(
        [
          invoice(1),
          invoice(2, { status: FinanceStatus.Paid, residualMinor: 0 }),
          supplierInvoice('B-1'),
          entry('E1', FinanceStatus.Matched),
        ],
        [move(1), move(2, { paymentState: 'in_payment', amountResidualMinor: 0 }), bill(10, 'B-1')],
      ),
    );
    assert.deepEqual(result.discrepancies, []);
    assert.equal(result.verdict, 'complete');
    assert.deepEqual(
      result.partners.map((p) => [
        p.partnerId,
        p.workflow,
        p.orders,
        p.expectedInOdoo,
        p.matchedInOdoo,
        p.amount,
        p.odooAmount,
      ]),
      [
        ['boltworks', INVOICE_WORKFLOW, 1, 1, 1, 25.2, 25.2],
        ['globex', INVOICE_WORKFLOW, 2, 2, 2, 242, 242],
        ['harbor-bank', PAYMENT_WORKFLOW, 1, 0, 0, 50, 0],
      ],
    );
  });

  it('names what differs on an invoice and a bill', () => {
    assert.equal(invoiceDifferences(invoice(1), move(1)), undefined);
    assert.equal(
      invoiceDifferences(
        invoice(1, { status: FinanceStatus.Paid, residualMinor: 0 }),
        move(1, { paymentState: 'partial', amountResidualMinor: 2_100 }),
      ),
      'paid on the platform, partial in Odoo; residual 0.00 on the platform, 21.00 in Odoo',
    );
    // A payment after the export is not a difference: an exported invoice's residual is not compared.
    assert.equal(
      invoiceDifferences(invoice(1), move(1, { paymentState: 'paid', amountResidualMinor: 0 })),
      undefined,
    );
    assert.equal(
      invoiceDifferences(invoice(1), move(1, { state: 'draft', amountTotalMinor: 13_200 })),
      'INV/2026/1 draft in Odoo, exported on the platform; total 121.00 on the platform, 132.00 in Odoo',
    );
    assert.equal(
      billDifferences(supplierInvoice('B-1'), bill(10, 'B-1', { amountUntaxedMinor: 3_150 })),
      'billed 25.20 on the platform, 31.50 in Odoo',
    );
  });

  it('classifies each drift per partner, with the existing classes', () => {
    const result = run(
      leg(
        [
          // paid on the platform, not in Odoo → fields_differ
          invoice(1, { status: FinanceStatus.Paid, residualMinor: 0 }),
          // cancelled in Odoo → missing_in_odoo; gone → missing_in_odoo
          invoice(2),
          invoice(3),
          // blocked past the SLA → stuck
          invoice(4, { status: FinanceStatus.ExportBlocked, reason: 'line 1 tax' }),
          // posted bill missing; amount differs; held with a bill posted by hand; refused but posted; billed, never posted
          supplierInvoice('B-1'),
          supplierInvoice('B-2'),
          supplierInvoice('B-3', { status: FinanceStatus.Held, billExternalId: null }),
          supplierInvoice('B-4', { status: FinanceStatus.Refused }),
          supplierInvoice('B-5', { status: FinanceStatus.Billed }),
          entry('E1', FinanceStatus.Unmatched),
          entry('E2', FinanceStatus.Ambiguous),
          entry('E3', FinanceStatus.Ignored),
        ],
        [
          move(1),
          move(2, { state: 'cancel' }),
          move(4),
          bill(11, 'B-2', { amountUntaxedMinor: 3_000 }),
          bill(12, 'B-3', { externalId: null }),
          bill(13, 'B-4'),
          bill(14, 'B-5'),
          // posted for globex and never exported, past the export window → not_on_platform
          move(20, { writtenAt: NOW - 61 * 60_000 }),
          // a bill of boltworks entered by hand → not_on_platform
          bill(21, 'PAPER-9', { externalId: null }),
        ],
      ),
    );
    assert.deepEqual(classes(result), [
      `invoice boltworks ${DiscrepancyClass.FieldsDiffer} supplier-invoice/boltworks/B-2`,
      `invoice boltworks ${DiscrepancyClass.MissingInOdoo} supplier-invoice/boltworks/B-1`,
      `invoice boltworks ${DiscrepancyClass.NotOnPlatform} supplier-invoice/boltworks/B-3`,
      `invoice boltworks ${DiscrepancyClass.NotOnPlatform} supplier-invoice/boltworks/B-4`,
      `invoice boltworks ${DiscrepancyClass.NotOnPlatform} supplier-invoice/boltworks/PAPER-9`,
      `invoice boltworks ${DiscrepancyClass.Stuck} supplier-invoice/boltworks/B-3`,
      `invoice boltworks ${DiscrepancyClass.Stuck} supplier-invoice/boltworks/B-5`,
      `invoice globex ${DiscrepancyClass.FieldsDiffer} invoice/1`,
      `invoice globex ${DiscrepancyClass.MissingInOdoo} invoice/2`,
      `invoice globex ${DiscrepancyClass.MissingInOdoo} invoice/3`,
      `invoice globex ${DiscrepancyClass.NotOnPlatform} invoice/20`,
      `invoice globex ${DiscrepancyClass.Stuck} invoice/4`,
      `payment harbor-bank ${DiscrepancyClass.Stuck} settlement/harbor-bank/STMT-1/E1`,
      `payment harbor-bank ${DiscrepancyClass.Stuck} settlement/harbor-bank/STMT-1/E2`,
    ]);
    const boltworks = result.partners.find((p) => p.partnerId === 'boltworks')!;
    // B-1 posted and B-5 billed past the SLA must be in Odoo; B-5's bill is, B-1's is not, B-2's differs.
    assert.deepEqual([boltworks.expectedInOdoo, boltworks.matchedInOdoo], [3, 1]);
  });

  it('within the SLAs nothing is stuck, and an invoice not yet exported is not missing from the platform', () => {
    const fresh = { receivedAt: NOW - 60_000 };
    const result = run(
      leg(
        [
          invoice(4, { ...fresh, status: FinanceStatus.ExportBlocked }),
          supplierInvoice('B-5', { ...fresh, status: FinanceStatus.Billed }),
          { ...entry('E1', FinanceStatus.Unmatched), ...fresh },
        ],
        // B-5's bill not written yet; invoice 20 posted 59 min ago, inside its customer's export window.
        [move(4), move(20, { writtenAt: NOW - 59 * 60_000 }), bill(21, 'B-9', { writtenAt: NOW - 60_000 })],
      ),
    );
    assert.deepEqual(classes(result), []);
  });

  it('moves of records of another window, and other partners’ moves, are not "not on platform"', () => {
    const result = run(
      leg(
        [],
        [move(20), bill(21, 'B-7'), move(22, { partnerId: 999 }), bill(23, 'X', { partnerId: 998 })],
        ['invoice/20', 'supplier-invoice/boltworks/B-7'],
      ),
    );
    assert.deepEqual(result.discrepancies, []);
    assert.deepEqual(result.partners, []);
  });

  it('the checksum holds for the same window and changes with drift in Odoo', () => {
    const records = [invoice(1), supplierInvoice('B-1')];
    const a = run(leg(records, [move(1), bill(10, 'B-1')]));
    const b = run(leg([...records].reverse(), [bill(10, 'B-1'), move(1)]));
    assert.equal(a.checksum, b.checksum);
    const drifted = run(leg(records, [move(1), bill(10, 'B-1', { amountUntaxedMinor: 2_521 })]));
    assert.notEqual(drifted.checksum, a.checksum);
    // A payment in Odoo changes the proof too (the move's payment state is in its line), not the verdict.
    const paid = run(
      leg(records, [move(1, { paymentState: 'paid', amountResidualMinor: 0 }), bill(10, 'B-1')]),
    );
    assert.equal(paid.verdict, 'complete');
    assert.notEqual(paid.checksum, a.checksum);
    // A window without finance records keeps the checksum it had before this leg.
    assert.equal(
      run(leg([], [])).checksum,
      reconcileWindow({ orders: [], odoo: [], now: NOW, policy: POLICY }).checksum,
    );
  });

  it('never re-driven: every finance class is raised for a person as RECONCILIATION_FINANCE', () => {
    const drifted = run(
      leg(
        [invoice(2), entry('E1', FinanceStatus.Unmatched), supplierInvoice('B-1')],
        [move(2, { state: 'cancel' })],
      ),
    );
    const plan = planWithoutOrders(drifted.discrepancies);
    assert.deepEqual(plan.redriven, []);
    assert.deepEqual(plan.deferred, []);
    assert.deepEqual(
      plan.forPerson.map((p) => [p.reason, p.discrepancy.class, p.discrepancy.orderId]).sort(),
      [
        ['RECONCILIATION_FINANCE', DiscrepancyClass.MissingInOdoo, 'invoice/2'],
        ['RECONCILIATION_FINANCE', DiscrepancyClass.MissingInOdoo, 'supplier-invoice/boltworks/B-1'],
        ['RECONCILIATION_FINANCE', DiscrepancyClass.Stuck, 'settlement/harbor-bank/STMT-1/E1'],
      ],
    );
  });
});
