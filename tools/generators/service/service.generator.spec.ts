// The service generator, run as a developer runs it (`npx nx g ./tools/generators:service`) in a copy of
// this repository: the service it makes passes typecheck, lint, prettier, its own unit test and the
// deployment checks (compose, chart, Prometheus) with no edits.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stripVTControlCharacters } from 'node:util';

const root = path.resolve(__dirname, '../../..');
const SERVICE = 'probe-sink';
const TOPIC = 'ops.audit';

// Without the runner's NODE_TEST_CONTEXT, a `node --test` below runs its files instead of skipping them.
const { NODE_TEST_CONTEXT: _context, ...env } = process.env;

function run(cwd: string, command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function expectClean(cwd: string, command: string, args: string[]): string {
  const { status, output } = run(cwd, command, args);
  assert.equal(status, 0, `${command} ${args.join(' ')} failed:\n${output.slice(-6000)}`);
  return output;
}

const nodeTest = (cwd: string, file: string): string =>
  expectClean(cwd, 'node', ['-r', '@swc-node/register', '--test', '--test-reporter=spec', file]);

/** The repository's files as git sees them (tracked and new, not ignored), with node_modules linked. */
function copyRepository(): string {
  const copy = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'tw-generator-'));
  const files = expectClean(root, 'git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'])
    .split('\0')
    .filter((file) => file !== '' && fs.existsSync(path.join(root, file)));
  for (const file of files) {
    const from = path.join(root, file);
    const to = path.join(copy, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    // Tracked links (the chart's view of config/) stay links, relative as in git.
    if (fs.lstatSync(from).isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else fs.copyFileSync(from, to);
  }
  fs.symlinkSync(fs.realpathSync(path.join(root, 'node_modules')), path.join(copy, 'node_modules'));
  // A repository of its own: the deployment checks ask git what it ignores.
  expectClean(copy, 'git', ['init', '--quiet']);
  return copy;
}

describe('./tradewind new service', () => {
  let copy: string;
  let generated: string;

  before(() => {
    copy = copyRepository();
    generated = expectClean(copy, 'npx', [
      'nx',
      'g',
      './tools/generators:service',
      SERVICE,
      '--topic',
      TOPIC,
      '--no-interactive',
    ]);
  });
  after(() => {
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
  });

  it('scaffolds the service and its entries in every file that lists services', () => {
    for (const file of [
      'project.json',
      'src/main.ts',
      'src/app.module.ts',
      `src/${SERVICE}.config.ts`,
      `src/${SERVICE}.spec.ts`,
      `src/${SERVICE}.itest.ts`,
      'src/received/ops-audit.consumer.ts',
      'src/received/received-records.migration.ts',
    ]) {
      assert.ok(fs.existsSync(path.join(copy, 'services', SERVICE, file)), `services/${SERVICE}/${file}`);
    }
    const project = JSON.parse(
      fs.readFileSync(path.join(copy, 'services', SERVICE, 'project.json'), 'utf8'),
    ) as {
      tags: string[];
    };
    assert.deepEqual(project.tags, ['type:service', `scope:${SERVICE}`]);
    for (const file of [
      'docker-compose.yml',
      'deploy/docker/compose.secured.yml',
      'helm/tradewind/values.yaml',
      'deploy/prometheus/prometheus.yml',
      'deploy/local/demo.sh',
      'docs/architecture.md',
      'docs/observability.md',
      'schemas/topics.yaml',
      'libs/platform/contracts/src/generated/topics.ts',
    ]) {
      assert.match(fs.readFileSync(path.join(copy, file), 'utf8'), new RegExp(SERVICE), `${file} names it`);
    }
    // Nx colours its log when CI is set.
    assert.match(stripVTControlCharacters(generated), /CREATE services\/probe-sink\/src\/main\.ts/);
  });

  it('type-checks, lints and is formatted with no edits', () => {
    expectClean(copy, 'npx', ['nx', 'show', 'projects']);
    expectClean(copy, 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
    expectClean(copy, 'npx', ['eslint', '--max-warnings=0', `services/${SERVICE}`]);
    expectClean(copy, 'npx', ['prettier', '--check', '.']);
  });

  it('passes its own unit test (the handler on the in-memory transport)', () => {
    const output = nodeTest(copy, `services/${SERVICE}/src/${SERVICE}.spec.ts`);
    assert.match(output, /ℹ pass 1/);
  });

  it('fits the deployment and observability checks and the contracts (compose, chart, Prometheus, docs, catalog)', () => {
    const output = nodeTest(copy, 'tools/checks/deploy.spec.ts');
    assert.match(output, new RegExp(`${SERVICE}: Deployment, Service, PDB and ServiceMonitor`));
    // Its scrape job and its metric's documentation.
    nodeTest(copy, 'tools/checks/observability.spec.ts');
    // The generator regenerated TOPIC_CATALOG (the topic's consumers now name the service).
    const contracts = expectClean(copy, 'node', ['-r', '@swc-node/register', 'tools/schemas/generate.ts']);
    assert.match(contracts, /is up to date/);
  });
});
