import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  checkX12Envelope,
  duplicateInterchangeProblem,
  readX12SalesOrders,
} from '@tradewind/partner-documents';

import { EXAMPLES_DIR } from '../test/gateway-fixtures';
import { functionalAckFor, interchangeAckFor } from './functional-ack.builder';

const EXAMPLE = readFileSync(join(EXAMPLES_DIR, 'globex-edi.850.x12'), 'utf8');
const preparedAt = new Date('2026-11-28T10:00:00Z');
const US = { qualifier: 'ZZ', id: 'TRADEWIND', applicationId: 'TRADEWIND' };
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
      us: US,
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
      us: US,
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

  void it('per order: accepts the sound set and rejects the one whose SE01 is wrong (AK5 R 4, AK9 P)', () => {
    const bad = EXAMPLE.replace('SE*8*0002~', 'SE*9*0002~');
    const ack = functionalAckFor({
      read: readX12SalesOrders(Buffer.from(bad)),
      accepted: true,
      us: US,
      controlNumber: 45,
      preparedAt,
    });
    assert.ok(ack);
    assert.deepEqual(segments(ack.edi), [
      'AK1*PO*101',
      'AK2*850*0001',
      'AK5*A',
      'AK2*850*0002',
      'AK5*R*4',
      'AK9*P*2*2*1',
    ]);
  });

  void it('answers a wrongly addressed interchange from us, not from the receiver it named', () => {
    const elsewhere = EXAMPLE.replace('*ZZ*TRADEWIND      *', '*ZZ*SOMEONEELSE    *');
    const interchange = readX12SalesOrders(Buffer.from(elsewhere)).interchange!;
    const findings = checkX12Envelope(interchange, {
      receiver: US,
      versions: ['004010'],
      usage: 'P',
    });
    const ta1 = interchangeAckFor({
      interchange,
      problems: findings.interchange,
      us: US,
      controlNumber: 46,
      preparedAt,
    });
    assert.equal(
      ta1.edi,
      'ISA*00*          *00*          *ZZ*TRADEWIND      *ZZ*GLOBEXEDI      *261128*1000*U*00401*000000046*0*P*>~\n' +
        'TA1*000000101*240115*0930*R*009~\nIEA*0*000000046~\n',
    );
  });

  void it('rejects every set of a duplicate interchange in a 997 when the partner wants a 997', () => {
    const read = readX12SalesOrders(Buffer.from(EXAMPLE));
    const ack = functionalAckFor({
      read,
      accepted: false,
      reason: duplicateInterchangeProblem(read.interchange!, preparedAt),
      us: US,
      controlNumber: 47,
      preparedAt,
    });
    assert.deepEqual(segments(ack!.edi), [
      'AK1*PO*101',
      'AK2*850*0001',
      'AK5*R',
      'AK2*850*0002',
      'AK5*R',
      'AK9*R*2*2*0',
    ]);
  });

  void it('has nothing to acknowledge when no functional group can be read', () => {
    const read = readX12SalesOrders(Buffer.from('ISA*00*truncated'));
    assert.equal(
      functionalAckFor({ read, accepted: false, us: US, controlNumber: 44, preparedAt }),
      undefined,
    );
  });
});
