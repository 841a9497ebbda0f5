import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DriftCause, findStockDrifts, type LedgerStock, type OdooStock } from './stock-drift';

const WMS = 'northwind-wms';
const ledger = (sku: string, warehouseId: string, onHand: number, changedAt = 1000): LedgerStock => ({
  sku,
  warehouseId,
  onHand,
  changedAt,
  countedBy: WMS,
});
const odoo = (
  sku: string,
  warehouseId: string,
  quantity: number,
  writtenAt = 500,
  reserved = 0,
): OdooStock => ({
  sku,
  warehouseId,
  quantity,
  reservedQuantity: reserved,
  writtenAt,
});
const policy = { stockOwner: WMS, correct: true };

void describe('findStockDrifts', () => {
  void it('finds nothing where the ledger and Odoo agree', () => {
    assert.deepEqual(findStockDrifts([ledger('A', 'MAIN', 5)], [odoo('A', 'MAIN', 5)], policy), []);
    assert.deepEqual(findStockDrifts([ledger('A', 'MAIN', 0)], [], policy), [], 'zero and nothing agree');
  });

  void it('names the likely cause by which side wrote last, and corrects the owner counts only', () => {
    const drifts = findStockDrifts(
      [ledger('A', 'MAIN', 5, 2000), ledger('B', 'MAIN', 7, 1000), ledger('C', 'EAST', 3)],
      [odoo('A', 'MAIN', 9, 1000), odoo('B', 'MAIN', 4, 3000), odoo('D', 'MAIN', 2)],
      policy,
    );
    const sameSecond = findStockDrifts([ledger('A', 'MAIN', 5, 2999)], [odoo('A', 'MAIN', 9, 2000)], policy);
    assert.equal(
      sameSecond[0].cause,
      DriftCause.ChangedInOdoo,
      "Odoo's second holds the count: Odoo's write is later",
    );
    assert.deepEqual(
      drifts.map((d) => [d.sku, d.warehouseId, d.ledgerOnHand, d.odooQuantity, d.cause, d.correct]),
      [
        ['A', 'MAIN', 5, 9, DriftCause.CountNotInOdoo, true],
        ['B', 'MAIN', 7, 4, DriftCause.ChangedInOdoo, true],
        ['C', 'EAST', 3, null, DriftCause.MissingInOdoo, true],
        ['D', 'MAIN', null, 2, DriftCause.NotCounted, false],
      ],
    );
  });

  void it('reports without correcting when Odoo owns stock, correction is off, or the count is not the owner’s', () => {
    const rows = [ledger('A', 'MAIN', 5)];
    const theirs = [odoo('A', 'MAIN', 9)];
    assert.equal(findStockDrifts(rows, theirs, { stockOwner: 'odoo', correct: true })[0].correct, false);
    assert.equal(findStockDrifts(rows, theirs, { ...policy, correct: false })[0].correct, false);
    assert.equal(
      findStockDrifts([{ ...rows[0], countedBy: 'someone-else' }], theirs, policy)[0].correct,
      false,
    );
  });

  void it('reports Odoo reserving more than it holds, never corrected', () => {
    const [drift] = findStockDrifts([ledger('A', 'MAIN', 5)], [odoo('A', 'MAIN', 5, 500, 8)], policy);
    assert.deepEqual(
      [drift.cause, drift.odooReserved, drift.correct],
      [DriftCause.OdooOverReserved, 8, false],
    );
  });
});
