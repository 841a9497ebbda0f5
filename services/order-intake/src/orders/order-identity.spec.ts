import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  commandIdOf,
  orderIdOf,
  saleOrderExternalId,
  stateMessageIdOf,
  uuidFromSeed,
} from './order-identity';

const EXTERNAL_ID = /^[A-Za-z0-9_]+\.[A-Za-z0-9_.-]+$/;

describe('order identity', () => {
  it('keys an order by partner and PO number', () => {
    assert.equal(orderIdOf('acme-portal', 'ACME-PO-7781'), 'acme-portal/ACME-PO-7781');
  });

  it('derives a readable external id when the PO needs no change', () => {
    assert.equal(saleOrderExternalId('acme-portal', 'ACME-PO-7781'), 'tradewind.so_acme-portal_ACME-PO-7781');
    assert.equal(saleOrderExternalId('globex-edi', 'GX-45001'), 'tradewind.so_globex-edi_GX-45001');
  });

  it('sanitizes other characters and appends a hash so two POs never collide', () => {
    const slash = saleOrderExternalId('acme-portal', 'PO 1/2');
    const underscore = saleOrderExternalId('acme-portal', 'PO_1_2');
    assert.match(slash, /^tradewind\.so_acme-portal_PO_1_2_[0-9a-f]{10}$/);
    assert.match(underscore, /^tradewind\.so_acme-portal_PO_1_2_[0-9a-f]{10}$/);
    assert.notEqual(slash, underscore);
    assert.match(slash, EXTERNAL_ID);
    const unicode = saleOrderExternalId('market-hub', 'Bestellung-Ä');
    assert.match(unicode, EXTERNAL_ID);
  });

  it('cuts very long PO numbers and keeps them apart by hash', () => {
    const a = saleOrderExternalId('market-hub', `${'X'.repeat(60)}A`);
    const b = saleOrderExternalId('market-hub', `${'X'.repeat(60)}B`);
    assert.notEqual(a, b);
    assert.ok(a.length < 120);
  });

  it('is deterministic: the same order always yields the same ids', () => {
    assert.equal(saleOrderExternalId('a', 'PO 1'), saleOrderExternalId('a', 'PO 1'));
    assert.equal(
      commandIdOf('acme-portal/PO-1', 'upsert_sale_order', 3),
      commandIdOf('acme-portal/PO-1', 'upsert_sale_order', 3),
    );
    assert.notEqual(
      commandIdOf('acme-portal/PO-1', 'upsert_sale_order', 3),
      commandIdOf('acme-portal/PO-1', 'confirm_sale_order', 3),
    );
    assert.notEqual(
      commandIdOf('acme-portal/PO-1', 'upsert_sale_order', 3),
      commandIdOf('acme-portal/PO-1', 'upsert_sale_order', 4),
    );
    assert.notEqual(stateMessageIdOf('acme-portal/PO-1', 1), stateMessageIdOf('acme-portal/PO-1', 2));
  });

  it('makes UUID-shaped ids (the outbox requires UUID message ids)', () => {
    assert.match(uuidFromSeed('x'), /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
