import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { readX12SalesOrders } from '@tradewind/partner-documents';

import { EXAMPLES_DIR } from '../test/gateway-fixtures';
import { functionalAckFor } from './functional-ack.builder';

const EXAMPLE = readFileSync(join(EXAMPLES_DIR, 'globex-edi.850.x12'), 'utf8');
const preparedAt = new Date('2026-11-28T10:00:00Z');
const segments = (edi: string) =>
  edi
    .split('~')
    .map((s) => s.trim())
    .filter((s) => /^AK/.test(s));

void describe('functionalAckFor', () => {
  void it('accepts every set of a clean interchange, addressed back to the sender', () => {
    const ack = functionalAckFor({
      read: readX12SalesOrders(Buffer.from(EXAMPLE)),
      accepted: true,
      controlNumber: 42,
      preparedAt,
    });
    assert.ok(ack);
    assert.match(
      ack.edi,
      /^ISA\*00\* {10}\*00\* {10}\*ZZ\*TRADEWIND {6}\*ZZ\*GLOBEXEDI {6}\*261128\*1000\*U\*00401\*000000042\*/,
    );
    assert.deepEqual(segments(ack.edi), [
      'AK1*PO*101',
      'AK2*850*0001',
      'AK5*A',
      'AK2*850*0002',
      'AK5*A',
      'AK9*A*2*2*2',
    ]);
  });

  void it('rejects the whole interchange when one set is bad, with AK3/AK4 where the error is', () => {
    const bad = EXAMPLE.replace('PO1*1*4*EA*82.00', 'PO1*1*4X*EA*82.00');
    const ack = functionalAckFor({
      read: readX12SalesOrders(Buffer.from(bad)),
      accepted: false,
      controlNumber: 43,
      preparedAt,
    });
    assert.ok(ack);
    const aks = segments(ack.edi);
    assert.deepEqual(aks.slice(0, 3), ['AK1*PO*101', 'AK2*850*0001', 'AK5*R']);
    assert.ok(aks.some((s) => s.startsWith('AK3*PO1*')));
    assert.ok(aks.includes('AK4*2**6*4X'));
    assert.equal(aks.at(-1), 'AK9*R*2*2*0');
  });

  void it('has nothing to acknowledge when no functional group can be read', () => {
    const read = readX12SalesOrders(Buffer.from('ISA*00*truncated'));
    assert.equal(functionalAckFor({ read, accepted: false, controlNumber: 44, preparedAt }), undefined);
  });
});
