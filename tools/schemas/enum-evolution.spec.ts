// Vocabularies as Avro enums with a default (docs/decisions/0003-vocabularies-as-avro-enums.md), through
// `schemas check` on a throw-away git repository: adding a symbol passes, an enum without a default is
// refused, and the string → enum break passes only from a reviewed baseline reset on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Type } from 'avsc';

import { runCheck } from './check';
import { runGenerate } from './generate';
import { type ScratchRepo, scratchRepo } from './test/scratch-repo';

let repo: ScratchRepo;
let schemasDir: string;
let generatedDir: string;
const git = (...args: string[]): string => repo.git(...args);

const stateEnum = (symbols: string[], fallback: string | null = 'unknown') => ({
  type: 'enum',
  name: 'ParcelState',
  symbols,
  ...(fallback === null ? {} : { default: fallback }),
});

const writeSchema = (stateType: unknown, extra: unknown[] = []): void => {
  const schema = {
    type: 'record',
    name: 'Parcel',
    namespace: 'io.test',
    fields: [{ name: 'parcelId', type: 'string' }, { name: 'state', type: stateType }, ...extra],
  };
  fs.writeFileSync(path.join(schemasDir, 'avro/parcels.avsc'), `${JSON.stringify(schema, null, 2)}\n`);
};

const generate = () => runGenerate({ schemasDir, generatedDir, log: () => undefined });
const check = async () =>
  (await runCheck({ schemasDir, generatedDir, registryUrl: null, gitBase: 'HEAD' })).problems;

void describe('vocabularies as enums under schemas check', () => {
  before(() => {
    repo = scratchRepo('tw-schemas-enums-');
    ({ schemasDir, generatedDir } = repo);
    fs.writeFileSync(
      path.join(schemasDir, 'topics.yaml'),
      'topics:\n  - name: parcels\n    owner: shipments\n    key: parcelId\n' +
        '    valueSchema: avro/parcels.avsc\n    cleanupPolicy: delete\n    partitions: 1\n',
    );
  });

  after(() => repo.remove());

  void it('refuses a string → enum change until a reviewed baseline reset names the commit that made it', async () => {
    writeSchema('string');
    await generate();
    git('add', '.');
    git('commit', '--quiet', '-m', 'v1: state is a documented string');
    const v1 = git('rev-parse', 'HEAD');

    writeSchema(stateEnum(['unknown', 'planned', 'shipped']));
    await generate();
    git('commit', '--quiet', '-am', 'v2: state is an enum');
    const problems = await check();
    assert.equal(problems.length, 1);
    assert.match(problems[0], /field "state" changed type from string to enum ParcelState/);

    const reset = git('rev-parse', 'HEAD');
    fs.writeFileSync(
      path.join(schemasDir, 'baseline.yaml'),
      `resets:\n  - since: ${reset}\n    schemas: [avro/parcels.avsc]\n` +
        '    reason: vocabularies become enums before the first release\n    approvedBy: schema owners\n',
    );
    assert.deepEqual(await check(), []);

    // A branch forked before the reset still carries a string version; merged, it is not compared.
    git('checkout', '--quiet', '-b', 'side', v1);
    writeSchema('string', [{ name: 'note', type: ['null', 'string'], default: null }]);
    git('commit', '--quiet', '-am', 'side: a note, state still a string');
    git('checkout', '--quiet', '-');
    git('merge', '--quiet', '-s', 'ours', '-m', 'merge side', 'side');
    assert.deepEqual(await check(), []);
  });

  void it('accepts a symbol added to an enum with a default (BACKWARD_TRANSITIVE)', async () => {
    git('add', '.');
    git('commit', '--quiet', '-m', 'baseline reset');
    writeSchema(stateEnum(['unknown', 'planned', 'shipped', 'delivered']));
    await generate();
    assert.deepEqual(await check(), []);
    git('commit', '--quiet', '-am', 'v3: delivered');
  });

  void it('lets a consumer on the earlier schema read an added symbol as the default', () => {
    const parcel = (symbols: string[]) =>
      Type.forSchema({
        type: 'record',
        name: 'Parcel',
        fields: [{ name: 'state', type: stateEnum(symbols) }],
      } as never);
    const earlier = parcel(['unknown', 'planned', 'shipped']);
    const later = parcel(['unknown', 'planned', 'shipped', 'delivered']);
    const written = later.toBuffer({ state: 'delivered' });
    const read = earlier.fromBuffer(written, earlier.createResolver(later)) as { state: string };
    assert.equal(read.state, 'unknown');
  });

  void it('refuses an enum without a default', async () => {
    writeSchema(stateEnum(['unknown', 'planned', 'shipped', 'delivered'], null));
    const problems = await check();
    assert.ok(
      problems.some((problem) =>
        problem.endsWith(
          'parcels.avsc: enum io.test.ParcelState has no "default" symbol; add one (e.g. "unknown") so that ' +
            'adding a symbol later stays compatible with consumers on this version',
        ),
      ),
      problems.join('\n'),
    );
  });

  void it('names a reset commit that is not in the repository', async () => {
    fs.writeFileSync(
      path.join(schemasDir, 'baseline.yaml'),
      'resets:\n  - since: 0123456789abcdef0123456789abcdef01234567\n    schemas: [avro/parcels.avsc]\n' +
        '    reason: r\n    approvedBy: a\n',
    );
    const problems = await check();
    assert.ok(
      problems.some((problem) =>
        problem.startsWith(
          'baseline reset "since: 0123456789abcdef0123456789abcdef01234567" for schemas/avro/parcels.avsc is not a commit',
        ),
      ),
      problems.join('\n'),
    );
  });
});
