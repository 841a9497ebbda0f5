import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { runCheck } from './check';
import { runGenerate } from './generate';
import { type ScratchRepo, scratchRepo } from './test/scratch-repo';

// A throw-away git repository with its own catalog: the check without a registry compares with git.
let repo: ScratchRepo;
let schemasDir: string;
let generatedDir: string;
const git = (...args: string[]): string => repo.git(...args);

const writeSchema = (fields: unknown[]): void => {
  const schema = { type: 'record', name: 'Parcel', namespace: 'io.test', fields };
  fs.writeFileSync(path.join(schemasDir, 'avro/parcels.avsc'), `${JSON.stringify(schema, null, 2)}\n`);
};

const CATALOG = `defaults:
  compatibility: BACKWARD_TRANSITIVE
  partitions: 1
topics:
  - name: parcels
    owner: shipments
    key: parcelId
    valueSchema: avro/parcels.avsc
    cleanupPolicy: delete
`;

const check = () => runCheck({ schemasDir, generatedDir, registryUrl: null, gitBase: 'HEAD' });

void describe('schemas check without a registry', () => {
  before(async () => {
    repo = scratchRepo('tw-schemas-check-');
    ({ schemasDir, generatedDir } = repo);
    fs.writeFileSync(path.join(schemasDir, 'topics.yaml'), CATALOG);
    writeSchema([
      { name: 'parcelId', type: 'string' },
      { name: 'weight', type: 'int' },
    ]);
    git('add', '.');
    git('commit', '--quiet', '-m', 'v1');
    await runGenerate({ schemasDir, generatedDir, log: () => undefined });
  });

  after(() => repo.remove());

  void it('passes for a committed, generated catalog', async () => {
    const { problems, notes } = await check();
    assert.deepEqual(problems, []);
    assert.deepEqual(notes, ['comparing schemas with their git history (no registry)']);
  });

  void it('refuses an incompatible change against git and reports the stale generated code', async () => {
    const v1 = git('rev-parse', '--short=7', 'HEAD');
    writeSchema([
      { name: 'parcelId', type: 'string' },
      { name: 'weight', type: 'int' },
      { name: 'priority', type: 'int' },
    ]);
    const { problems } = await check();
    const file = path.join(schemasDir, 'avro/parcels.avsc');
    assert.deepEqual(problems.slice(0, 2), [
      `${path.join(generatedDir, 'topics.ts')}: generated code is stale (out of date); run ./tradewind schemas generate`,
      `${path.join(generatedDir, 'types.ts')}: generated code is stale (out of date); run ./tradewind schemas generate`,
    ]);
    assert.equal(problems.length, 3);
    assert.match(
      problems[2],
      new RegExp(
        `^${escape(file)}: incompatible with its version from commit ${v1} \\(BACKWARD_TRANSITIVE\\): ` +
          'field "priority" was added without a default, so records written before this change cannot be read\\.',
      ),
    );
  });

  void it('checks every committed version for a transitive level', async () => {
    const v1 = git('rev-parse', '--short=7', 'HEAD');
    writeSchema([{ name: 'parcelId', type: 'string' }]);
    git('commit', '--quiet', '-am', 'v2 drops weight');
    writeSchema([
      { name: 'parcelId', type: 'string' },
      { name: 'weight', type: 'string', default: '' },
    ]);
    await runGenerate({ schemasDir, generatedDir, log: () => undefined });
    const { problems } = await check();
    assert.equal(problems.length, 1);
    assert.match(
      problems[0],
      new RegExp(`incompatible with its version from commit ${v1} \\(BACKWARD_TRANSITIVE\\)`),
    );
    assert.match(problems[0], /field "weight" changed type from int to string/);
  });

  void it('reports schemas the catalog does not use and topics without an owner', async () => {
    writeSchema([{ name: 'parcelId', type: 'string' }]);
    fs.writeFileSync(
      path.join(schemasDir, 'avro/orphan.avsc'),
      '{"type": "record", "name": "Orphan", "fields": []}',
    );
    fs.writeFileSync(
      path.join(schemasDir, 'avro/broken.avsc'),
      '{"type": "record", "name": "Broken", "fields": [{"name": "x"}]}',
    );
    let { problems } = await runCheck({ schemasDir, generatedDir: null, registryUrl: null, gitBase: 'HEAD' });
    const avro = path.join(schemasDir, 'avro');
    const catalogFile = path.join(schemasDir, 'topics.yaml');
    assert.match(
      problems[0],
      new RegExp(`^${escape(path.join(avro, 'broken.avsc'))}: not a valid Avro schema: `),
    );
    assert.ok(
      problems.includes(
        `${path.join(avro, 'orphan.avsc')}: not used by ${catalogFile} (add the topic that carries it, or delete the file)`,
      ),
    );

    fs.writeFileSync(catalogFile, CATALOG.replace('    owner: shipments\n', ''));
    ({ problems } = await runCheck({ schemasDir, generatedDir: null, registryUrl: null }));
    assert.ok(
      problems.includes(
        `${catalogFile}:5: topic "parcels": has no owner (add "owner: <service>": the one service that owns its schema and data)`,
      ),
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
