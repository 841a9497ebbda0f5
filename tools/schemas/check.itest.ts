// `schemas check` against subjects registered in the real registry: an incompatible change is refused with
// a message a schema owner can act on, through the library function and through the CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { testStack, uniqueName } from '@tradewind/testing';

import { runCheck } from './check';
import { runGenerate } from './generate';
import { REPO_ROOT } from './paths';
import { RegistryClient } from './registry-client';

const record = (fields: unknown[]) => ({
  type: 'record',
  name: 'Parcel',
  namespace: 'io.tradewind.test',
  fields,
});
const V1 = record([
  { name: 'parcelId', type: 'string' },
  { name: 'weight', type: 'int' },
]);

void describe('schemas check against the registry', () => {
  const stack = testStack();
  const registry = new RegistryClient(stack.registryUrl);
  const subjects: string[] = [];
  let root: string;

  // A catalog of one topic in a temporary schemas folder, with v1 registered under `<topic>-value`.
  const setUp = async (versions: unknown[]) => {
    const topic = uniqueName('schemas_check');
    const subject = `${topic}-value`;
    subjects.push(subject);
    const schemasDir = path.join(root, topic, 'schemas');
    fs.mkdirSync(path.join(schemasDir, 'avro'), { recursive: true });
    fs.writeFileSync(
      path.join(schemasDir, 'topics.yaml'),
      `topics:\n  - name: ${topic}\n    owner: shipments\n    key: parcelId\n    valueSchema: avro/${topic}.avsc\n` +
        '    cleanupPolicy: delete\n    partitions: 1\n',
    );
    await registry.setSubjectCompatibility(subject, 'BACKWARD_TRANSITIVE');
    for (const version of versions) await registry.register(subject, JSON.stringify(version));
    const file = path.join(schemasDir, 'avro', `${topic}.avsc`);
    const write = (schema: unknown) => fs.writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
    return { topic, subject, schemasDir, file, write };
  };

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-schemas-check-itest-'));
  });

  after(async () => {
    fs.rmSync(root, { recursive: true, force: true });
    for (const subject of subjects) await registry.deleteSubject(subject);
  });

  void it('accepts the registered schema and a compatible change', async () => {
    const { schemasDir, write } = await setUp([V1]);
    write(V1);
    assert.deepEqual(
      (await runCheck({ schemasDir, generatedDir: null, registryUrl: stack.registryUrl })).problems,
      [],
    );
    write(record([...V1.fields, { name: 'note', type: ['null', 'string'], default: null }]));
    assert.deepEqual(
      (await runCheck({ schemasDir, generatedDir: null, registryUrl: stack.registryUrl })).problems,
      [],
    );
  });

  void it('refuses an incompatible change with an understandable message', async () => {
    const { subject, schemasDir, file, write } = await setUp([V1]);
    write(record([...V1.fields, { name: 'priority', type: 'int' }]));
    const { problems, notes } = await runCheck({
      schemasDir,
      generatedDir: null,
      registryUrl: stack.registryUrl,
    });
    assert.match(notes[0], /comparing schemas with the versions registered at/);
    assert.equal(problems.length, 1);
    assert.ok(
      problems[0].startsWith(
        `${file}: incompatible with version 1 of subject ${subject} (BACKWARD_TRANSITIVE): field "priority" was added ` +
          'without a default, so records written before this change cannot be read. Fix: give new fields a default',
      ),
      problems[0],
    );
  });

  void it('says so when the registry still holds versions from before a baseline reset', async () => {
    const { topic, schemasDir, write } = await setUp([V1]);
    write(
      record([
        { name: 'parcelId', type: 'string' },
        {
          name: 'weight',
          type: { type: 'enum', name: 'Weight', symbols: ['unknown', 'light'], default: 'unknown' },
        },
      ]),
    );
    fs.writeFileSync(
      path.join(schemasDir, 'baseline.yaml'),
      `resets:\n  - since: 0123abc\n    schemas: [avro/${topic}.avsc]\n    reason: r\n    approvedBy: a\n`,
    );
    const { problems } = await runCheck({ schemasDir, generatedDir: null, registryUrl: stack.registryUrl });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /field "weight" changed type from int to enum Weight/);
    assert.match(
      problems[0],
      /\(schemas\/baseline\.yaml resets this schema's history at 0123abc: the registry still holds versions from before it; empty it/,
    );
  });

  void it('fails the CLI with one line per problem', async () => {
    const { subject, schemasDir, write } = await setUp([V1]);
    write(
      record([
        { name: 'parcelId', type: 'string' },
        { name: 'weight', type: 'string' },
      ]),
    );
    const generatedDir = path.join(path.dirname(schemasDir), 'generated');
    await runGenerate({ schemasDir, generatedDir, log: () => undefined });
    const cli = spawnSync(
      process.execPath,
      ['-r', '@swc-node/register', path.join(REPO_ROOT, 'tools/schemas/check.ts')],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          TW_SCHEMAS_DIR: schemasDir,
          TW_GENERATED_DIR: generatedDir,
          REGISTRY_URL: stack.registryUrl,
        },
      },
    );
    assert.equal(cli.status, 1, cli.stderr);
    const lines = cli.stderr.trim().split('\n');
    assert.equal(lines.length, 1, cli.stderr);
    assert.match(
      lines[0],
      new RegExp(
        `incompatible with version 1 of subject ${subject} \\(BACKWARD_TRANSITIVE\\): field "weight" changed type from int to string`,
      ),
    );
    assert.match(cli.stdout, /schemas check: 1 problem\(s\)/);
  });

  void it('checks every registered version for a transitive level, not only the latest', async () => {
    // v2 drops weight (compatible); the candidate re-adds it as a string with a default: it reads v2 records
    // but not v1 records, whose weight is an int.
    const v2 = record([{ name: 'parcelId', type: 'string' }]);
    const { subject, schemasDir, write } = await setUp([V1, v2]);
    write(
      record([
        { name: 'parcelId', type: 'string' },
        { name: 'weight', type: 'string', default: '' },
      ]),
    );
    assert.equal(await registry.isCompatible(subject, JSON.stringify(v2), 'latest'), true);
    const { problems } = await runCheck({ schemasDir, generatedDir: null, registryUrl: stack.registryUrl });
    assert.equal(problems.length, 1);
    assert.match(
      problems[0],
      new RegExp(`incompatible with version 1 of subject ${subject} \\(BACKWARD_TRANSITIVE\\)`),
    );
    assert.match(problems[0], /field "weight" changed type from int to string/);
  });
});
