import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

import { loadCatalog, parseCatalog } from './catalog';
import { REPO_ROOT } from './paths';
import { SchemaToolErrorCode, SchemaToolException } from './schema-tool.exception';

const schemasDir = path.join(REPO_ROOT, 'schemas');
const file = path.join(schemasDir, 'topics.yaml');

const problemsOf = (text: string): string[] => {
  try {
    parseCatalog(text, { file, schemasDir, checkFiles: false });
  } catch (error) {
    assert.ok(error instanceof SchemaToolException);
    assert.equal(error.code, SchemaToolErrorCode.CatalogInvalid);
    return [...error.problems];
  }
  assert.fail('the catalog was accepted');
};

void describe('topic catalog', () => {
  void it('loads the repository catalog into typed entries with defaults applied', () => {
    const catalog = loadCatalog({ schemasDir });
    const orders = catalog.topics.find((topic) => topic.name === 'orders.state');
    assert.ok(orders);
    assert.equal(orders.owner, 'order-intake');
    assert.equal(orders.partitions, 6);
    assert.equal(orders.cleanupPolicy, 'compact');
    assert.equal(orders.retentionMs, null);
    assert.equal(orders.compatibility, 'BACKWARD_TRANSITIVE');
    assert.equal(orders.valueSubject, 'orders.state-value');
    assert.equal(orders.valueSchemaFile, path.join(schemasDir, 'avro/orders.state.avsc'));
    assert.deepEqual(orders.key, { kind: 'string', description: 'orderId (<partnerId>/<poNumber>)' });
    assert.deepEqual(orders.consumers, ['ingress-gateway', 'reconciler', 'ops-console']);
    assert.equal(catalog.topics.find((topic) => topic.name === 'ops.audit')?.retentionMs, 31_536_000_000);
  });

  void it('names the file, the line and the topic in every problem, and reports them all', () => {
    const problems = problemsOf(`defaults:
  partitions: 3
topics:
  - name: orders.state
    key: orderId
    valueSchema: avro/orders.state.avsc
    cleanupPolicy: compact
  - name: odoo.commands
    owner: odoo-writer
    key: externalId
    valueSchema: avro/odoo.commands.avsc
    cleanupPolicy: sometimes
    partitions: six
    retentionMS: 1000
  - name: odoo.commands
    owner: odoo-writer
    key: externalId
    valueSchema: avro/odoo.commands.avsc
    cleanupPolicy: delete
`);
    assert.deepEqual(problems, [
      'schemas/topics.yaml:4: topic "orders.state": has no owner (add "owner: <service>": the one service that owns its schema and data)',
      'schemas/topics.yaml:8: topic "odoo.commands": unknown key "retentionMS" (allowed: name, owner, key, keySchema, valueSchema, partitions, cleanupPolicy, retentionMs, compatibility, producers, consumers)',
      'schemas/topics.yaml:8: topic "odoo.commands": partitions must be a positive integer (got "six")',
      'schemas/topics.yaml:8: topic "odoo.commands": cleanupPolicy "sometimes" is not one of delete, compact, compact,delete',
    ]);
  });

  void it('reads the record headers and refuses bad or repeated header names', () => {
    assert.deepEqual(
      loadCatalog({ schemasDir }).headers.find((header) => header.constant === 'messageId'),
      {
        constant: 'messageId',
        name: 'message-id',
        doc: 'Unique id of the record: consumers dedupe on it (the inbox).',
      },
    );
    const problems = problemsOf(`headers:
  messageId: { name: message-id, doc: 'dedupe' }
  MessageKey: { name: Message-Key, doc: 'key' }
  eventId: { name: message-id, doc: 'again' }
  traceId: trace-id
topics:
  - name: parcels
    owner: shipments
    key: parcelId
    valueSchema: avro/parcels.avsc
    cleanupPolicy: delete
    partitions: 1
`);
    assert.deepEqual(problems, [
      'schemas/topics.yaml: headers: MessageKey: the constant must be camelCase',
      'schemas/topics.yaml: headers: MessageKey: header name "Message-Key" must be lower-case letters, digits, ".", "_", "-"',
      'schemas/topics.yaml: headers: eventId: header name "message-id" is also messageId\'s',
      'schemas/topics.yaml: headers: traceId: must be { name: <wire name>, doc: <what it carries> }',
    ]);
  });

  void it('reports duplicate topics, missing schemas and bad compatibility levels', () => {
    const problems = problemsOf(`topics:
  - name: a.topic
    owner: x
    key: id
    valueSchema: avro/a.topic.avsc
    cleanupPolicy: delete
    partitions: 1
    compatibility: SOMETIMES
  - name: b.topic
    owner: x
    key: id
    cleanupPolicy: delete
    partitions: 1
  - name: c.topic
    owner: x
    key: id
    valueSchema: avro/c.topic.avsc
    cleanupPolicy: delete
    partitions: 1
  - name: c.topic
    owner: x
    key: id
    valueSchema: avro/c.topic.avsc
    cleanupPolicy: delete
    partitions: 1
`);
    assert.deepEqual(problems, [
      'schemas/topics.yaml:2: topic "a.topic": compatibility "SOMETIMES" is not one of NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE',
      'schemas/topics.yaml:9: topic "b.topic": no "valueSchema" (path of an .avsc file relative to schemas/)',
      'schemas/topics.yaml:20: topic "c.topic" is listed twice (first at line 14)',
    ]);
  });

  void it('says where YAML syntax breaks', () => {
    const [problem] = problemsOf('topics:\n  - name: a\n   owner: [x\n');
    assert.match(problem, /^schemas\/topics\.yaml:\d+:\d+: not valid YAML: /);
  });

  void it('checks that schema files exist', () => {
    assert.throws(
      () =>
        parseCatalog(
          'topics:\n  - {name: x, owner: y, key: id, valueSchema: avro/missing.avsc, cleanupPolicy: delete, partitions: 1}\n',
          { file, schemasDir },
        ),
      /schemas\/topics\.yaml:2: topic "x": valueSchema schemas\/avro\/missing\.avsc does not exist/,
    );
  });
});
