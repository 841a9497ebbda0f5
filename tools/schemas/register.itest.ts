// `schemas register` against the real registry and broker with a catalog of unique topics: a fresh run
// creates everything, a second run changes nothing, catalog changes are applied without losing settings.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { testStack, uniqueName } from '@tradewind/testing';
import { type Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';

import { REPO_ROOT } from './paths';
import { runRegister } from './register';
import { RegistryClient } from './registry-client';

const PARCEL = {
  type: 'record',
  name: 'Parcel',
  namespace: 'io.tradewind.test',
  fields: [{ name: 'parcelId', type: 'string' }],
};
const EVENT = {
  type: 'record',
  name: 'ParcelEvent',
  namespace: 'io.tradewind.test',
  fields: [
    { name: 'parcelId', type: 'string' },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
  ],
};

void describe('schemas register', () => {
  const stack = testStack();
  const prefix = uniqueName('schemas_register');
  const parcels = `${prefix}.parcels`;
  const events = `${prefix}.events`;
  const registry = new RegistryClient(stack.registryUrl);
  const kafka = new Kafka({
    clientId: 'schemas-register-itest',
    brokers: stack.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  let admin: Admin;
  let schemasDir: string;

  const writeCatalog = (options: {
    parcelPartitions: number;
    parcelRetention: number;
    parcelPolicy: string;
  }) =>
    fs.writeFileSync(
      path.join(schemasDir, 'topics.yaml'),
      `defaults:
  compatibility: BACKWARD_TRANSITIVE
  partitions: 2
topics:
  - name: ${parcels}
    owner: shipments
    key: parcelId
    valueSchema: avro/parcels.avsc
    cleanupPolicy: ${options.parcelPolicy}
    partitions: ${options.parcelPartitions}
    retentionMs: ${options.parcelRetention}
  - name: ${events}
    owner: shipments
    key: parcelId
    valueSchema: avro/events.avsc
    cleanupPolicy: delete
    retentionMs: 3600000
    compatibility: FULL
`,
    );
  const writeSchema = (name: string, schema: unknown) =>
    fs.writeFileSync(path.join(schemasDir, 'avro', name), `${JSON.stringify(schema, null, 2)}\n`);
  const register = () =>
    runRegister({
      schemasDir,
      registryUrl: stack.registryUrl,
      brokers: stack.kafkaBrokers,
      replicationFactor: 1,
    });
  const topicConfig = async (topic: string): Promise<Map<string, string>> => {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    return new Map(resources[0].configEntries.map((entry) => [entry.configName, entry.configValue]));
  };
  const partitionCount = async (topic: string): Promise<number> =>
    (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length;

  before(async () => {
    schemasDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-schemas-register-'));
    fs.mkdirSync(path.join(schemasDir, 'avro'));
    writeSchema('parcels.avsc', PARCEL);
    writeSchema('events.avsc', EVENT);
    writeCatalog({ parcelPartitions: 3, parcelRetention: 86_400_000, parcelPolicy: 'compact' });
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await admin.deleteTopics({ topics: [parcels, events] }).catch(() => undefined);
    await admin.disconnect();
    await registry.deleteSubject(`${parcels}-value`);
    await registry.deleteSubject(`${events}-value`);
    fs.rmSync(schemasDir, { recursive: true, force: true });
  });

  void it('creates topics and registers subjects on a fresh stack, then changes nothing on a second run', async () => {
    const first = await register();
    assert.deepEqual(first.problems, []);
    assert.deepEqual(first.warnings, []);
    assert.ok(
      first.changes.includes(
        `kafka: created topic ${parcels} (3 partitions, replication factor 1, cleanup.policy=compact, retention.ms=86400000)`,
      ),
      first.changes.join('\n'),
    );
    assert.ok(
      first.changes.some((line) =>
        line.startsWith(
          `registry: registered ${path.join(schemasDir, 'avro/events.avsc')} as ${events}-value version 1`,
        ),
      ),
    );
    assert.ok(first.changes.includes(`registry: ${events}-value compatibility FULL (was unset)`));

    const second = await register();
    assert.deepEqual(second.changes, []);
    assert.deepEqual(second.problems, []);
    assert.deepEqual(
      second.unchanged.sort(),
      [`subject ${events}-value`, `subject ${parcels}-value`, `topic ${events}`, `topic ${parcels}`].sort(),
    );

    assert.equal(await partitionCount(parcels), 3);
    assert.equal(await partitionCount(events), 2);
    const parcelConfig = await topicConfig(parcels);
    assert.equal(parcelConfig.get('cleanup.policy'), 'compact');
    assert.equal(parcelConfig.get('retention.ms'), '86400000');
    assert.equal((await topicConfig(events)).get('cleanup.policy'), 'delete');
    assert.equal(await registry.getSubjectCompatibility(`${events}-value`), 'FULL');
    assert.equal(await registry.getSubjectCompatibility(`${parcels}-value`), 'BACKWARD_TRANSITIVE');
    assert.equal(await registry.getGlobalCompatibility(), 'BACKWARD_TRANSITIVE');
  });

  void it('adds partitions and updates retention without losing the cleanup policy', async () => {
    writeCatalog({ parcelPartitions: 4, parcelRetention: 172_800_000, parcelPolicy: 'compact' });
    const result = await register();
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.changes, [
      `kafka: added partitions to ${parcels}: 3 → 4 (keys move to other partitions from now on)`,
      `kafka: ${parcels}: retention.ms 86400000 → 172800000`,
    ]);
    assert.equal(await partitionCount(parcels), 4);
    const config = await topicConfig(parcels);
    assert.equal(config.get('retention.ms'), '172800000');
    assert.equal(config.get('cleanup.policy'), 'compact');
  });

  void it('reports a cleanup policy it will not change, and refuses an incompatible schema with the check message', async () => {
    writeCatalog({ parcelPartitions: 4, parcelRetention: 172_800_000, parcelPolicy: 'delete' });
    writeSchema('events.avsc', { ...EVENT, fields: [...EVENT.fields, { name: 'depot', type: 'string' }] });
    const result = await register();
    assert.deepEqual(result.changes, []);
    assert.equal(result.warnings.length, 1);
    assert.match(
      result.warnings[0],
      new RegExp(`${parcels} has cleanup\\.policy=compact, the catalog says delete: not changed`),
    );
    assert.equal((await topicConfig(parcels)).get('cleanup.policy'), 'compact');
    assert.equal(result.problems.length, 1);
    assert.match(
      result.problems[0],
      new RegExp(
        `incompatible with version 1 of subject ${events}-value \\(FULL\\): field "depot" was added without a default`,
      ),
    );
    assert.deepEqual(await registry.listVersions(`${events}-value`), [1]);

    // Under a baseline reset the refusal says why: the registry predates the reset.
    fs.writeFileSync(
      path.join(schemasDir, 'baseline.yaml'),
      'resets:\n  - since: 0123abc\n    schemas: [avro/events.avsc]\n    reason: r\n    approvedBy: a\n',
    );
    const again = await register();
    fs.rmSync(path.join(schemasDir, 'baseline.yaml'));
    assert.equal(again.problems.length, 1);
    assert.match(
      again.problems[0],
      /resets this schema's history at 0123abc: the registry still holds versions/,
    );
  });

  void it('runs cleanly against the repository catalog (what every test run and demo starts with)', async () => {
    const result = await runRegister({
      schemasDir: path.join(REPO_ROOT, 'schemas'),
      registryUrl: stack.registryUrl,
      brokers: stack.kafkaBrokers,
    });
    assert.deepEqual(result.problems, []);
    const again = await runRegister({
      schemasDir: path.join(REPO_ROOT, 'schemas'),
      registryUrl: stack.registryUrl,
      brokers: stack.kafkaBrokers,
    });
    assert.deepEqual(again.changes, []);
    assert.deepEqual(again.problems, []);
  });
});
