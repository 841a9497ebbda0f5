import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Type } from 'avsc';

import {
  checkCompatibility,
  compatibilityRule,
  formatIncompatibility,
  type HistoricSchema,
  nextTopicVersion,
} from './compatibility';

const order = (fields: unknown[]): Type =>
  Type.forSchema({
    type: 'record',
    name: 'SalesOrderState',
    namespace: 'io.tradewind.orders',
    fields,
  } as never);

const v1 = order([
  { name: 'orderId', type: 'string' },
  { name: 'quantity', type: 'int' },
]);

const history = (...types: Type[]): HistoricSchema[] =>
  types.map((type, index) => ({ label: `version ${index + 1} of subject orders.state-value`, type }));

const format = (
  level: Parameters<typeof checkCompatibility>[2],
  candidate: Type,
  earlier: HistoricSchema[],
) =>
  checkCompatibility(candidate, earlier, level).map((found) =>
    formatIncompatibility(found, { file: 'schemas/avro/orders.state.avsc', level, topic: 'orders.state' }),
  );

void describe('schema compatibility', () => {
  void it('accepts an added optional field with a default as BACKWARD compatible', () => {
    const v2 = order([
      { name: 'orderId', type: 'string' },
      { name: 'quantity', type: 'int' },
      { name: 'note', type: ['null', 'string'], default: null },
    ]);
    assert.deepEqual(checkCompatibility(v2, history(v1), 'BACKWARD'), []);
    assert.deepEqual(checkCompatibility(v2, history(v1), 'BACKWARD_TRANSITIVE'), []);
    // Old consumers ignore the new field, so the change is FULL compatible too.
    assert.deepEqual(checkCompatibility(v2, history(v1), 'FULL_TRANSITIVE'), []);
  });

  void it('refuses an added required field with a message naming the field, the version and the fix', () => {
    const v2 = order([
      { name: 'orderId', type: 'string' },
      { name: 'quantity', type: 'int' },
      { name: 'priority', type: 'int' },
    ]);
    const problems = format('BACKWARD_TRANSITIVE', v2, history(v1));
    assert.equal(problems.length, 1);
    assert.match(
      problems[0],
      /^schemas\/avro\/orders\.state\.avsc: incompatible with version 1 of subject orders\.state-value \(BACKWARD_TRANSITIVE\): field "priority" was added without a default, so records written before this change cannot be read\. Fix: give new fields a default/,
    );
    assert.match(problems[0], /publish a new topic version \(orders\.state\.v2\)/);
    assert.doesNotMatch(problems[0], /\n/);
  });

  void it('fails a transitive check against an older version even when the latest is compatible', () => {
    // v2 drops quantity (fine for BACKWARD); v3 brings it back as a string with a default: v3 reads v2 data,
    // but not v1 data, whose quantity is an int.
    const v2 = order([{ name: 'orderId', type: 'string' }]);
    const v3 = order([
      { name: 'orderId', type: 'string' },
      { name: 'quantity', type: 'string', default: '' },
    ]);
    assert.deepEqual(checkCompatibility(v3, history(v1, v2), 'BACKWARD'), []);
    const problems = format('BACKWARD_TRANSITIVE', v3, history(v1, v2));
    assert.equal(problems.length, 1);
    assert.match(
      problems[0],
      /incompatible with version 1 of subject orders\.state-value \(BACKWARD_TRANSITIVE\)/,
    );
    assert.match(problems[0], /field "quantity" changed type from int to string, which Avro cannot convert/);
  });

  void it('explains FORWARD failures from the point of view of consumers on the earlier schema', () => {
    const v2 = order([{ name: 'orderId', type: 'string' }]);
    const problems = format('FORWARD', v2, history(v1));
    assert.equal(problems.length, 1);
    assert.match(
      problems[0],
      /field "quantity" was removed \(or renamed\) and the earlier schema gives it no default/,
    );
    assert.match(problems[0], /consumers still on the earlier schema cannot read new records/);
    // Removing the field is fine for BACKWARD: a new reader ignores it.
    assert.deepEqual(checkCompatibility(v2, history(v1), 'BACKWARD'), []);
  });

  void it('checks both directions for FULL', () => {
    const widened = order([
      { name: 'orderId', type: 'string' },
      { name: 'quantity', type: 'long' },
    ]);
    // int → long is a promotion a new reader can do, but an old int reader cannot read longs.
    assert.deepEqual(checkCompatibility(widened, history(v1), 'BACKWARD'), []);
    const problems = format('FULL', widened, history(v1));
    assert.equal(problems.length, 1);
    assert.match(
      problems[0],
      /field "quantity" changed type from int to long, which Avro cannot convert back/,
    );
  });

  void it('explains renamed enum symbols and nested fields', () => {
    const withStatus = (symbols: string[], lineFields: unknown[]) =>
      order([
        { name: 'orderId', type: 'string' },
        { name: 'status', type: { type: 'enum', name: 'Status', symbols } },
        {
          name: 'lines',
          type: { type: 'array', items: { type: 'record', name: 'Line', fields: lineFields } },
        },
      ]);
    const before = withStatus(['RECEIVED', 'SHIPPED'], [{ name: 'sku', type: 'string' }]);
    const after = withStatus(
      ['RECEIVED', 'DISPATCHED'],
      [
        { name: 'sku', type: 'string' },
        { name: 'uom', type: 'string' },
      ],
    );
    const [problem] = format('BACKWARD', after, history(before));
    assert.match(problem, /enum Status at field "status" lost symbol\(s\) "SHIPPED" \(removed or renamed\)/);
    assert.match(problem, /field "lines\[\]\.uom" was added without a default/);
  });

  void it('explains a field that stopped accepting null', () => {
    const optional = order([{ name: 'orderId', type: ['null', 'string'], default: null }]);
    const required = order([{ name: 'orderId', type: 'string' }]);
    const [problem] = format('BACKWARD', required, history(optional));
    assert.match(problem, /field "orderId" no longer accepts null/);
  });

  void it('maps each level to the versions and directions it covers', () => {
    assert.deepEqual(compatibilityRule('NONE'), { scope: 'none', directions: [] });
    assert.deepEqual(compatibilityRule('FULL_TRANSITIVE'), {
      scope: 'all',
      directions: ['backward', 'forward'],
    });
    assert.deepEqual(checkCompatibility(order([]), history(v1), 'NONE'), []);
    assert.equal(nextTopicVersion('orders.state'), 'orders.state.v2');
    assert.equal(nextTopicVersion('orders.state.v2'), 'orders.state.v3');
  });
});
