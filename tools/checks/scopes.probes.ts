// Libraries are grouped by domain (libs/<group>/<lib>) and lint holds them to it (issue 8 §5): a domain
// library imports only the platform and its own domain; a platform library imports no domain library.
// The probes are temporary files inside real libraries, linted as the whole-tree lint would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = join(__dirname, '../..');
const probeDirs = new Set<string>();

interface LintResult {
  status: number | null;
  output: string;
}

function lint(library: string, source: string): LintResult {
  const dir = join(root, library, 'src/__scope_probe__');
  probeDirs.add(dir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'probe.ts');
  writeFileSync(file, source);
  // --max-warnings=0: a skipped boundary rule ("No cached ProjectGraph") must not pass as clean.
  const result = spawnSync('npx', ['eslint', '--no-warn-ignored', '--max-warnings=0', file], {
    cwd: root,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const importing = (alias: string, name: string): string =>
  `import { ${name} } from '${alias}';\n\nexport const probe = ${name};\n`;

function libraries(): { group: string; dir: string; tags: string[] }[] {
  return readdirSync(join(root, 'libs')).flatMap((group) =>
    readdirSync(join(root, 'libs', group))
      .filter((lib) => existsSync(join(root, 'libs', group, lib, 'project.json')))
      .map((lib) => {
        const project = JSON.parse(readFileSync(join(root, 'libs', group, lib, 'project.json'), 'utf8')) as {
          tags: string[];
        };
        return { group, dir: `libs/${group}/${lib}`, tags: project.tags };
      }),
  );
}

describe('libraries by domain', () => {
  before(() => {
    // The boundary rule reads Nx's project graph; build it once for this tree.
    const graph = spawnSync('npx', ['nx', 'show', 'projects'], { cwd: root, encoding: 'utf8' });
    assert.equal(graph.status, 0, graph.stderr);
  });
  after(() => {
    for (const dir of probeDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('every library lies in a group folder and carries that group as its only scope tag', () => {
    const all = libraries();
    assert.ok(all.length >= 14, `found ${all.length} libraries`);
    for (const { group, dir, tags } of all) {
      assert.deepEqual(
        tags.filter((tag) => tag.startsWith('scope:')),
        [`scope:${group}`],
        `${dir}/project.json`,
      );
    }
    const flat = readdirSync(join(root, 'libs')).filter((entry) =>
      existsSync(join(root, 'libs', entry, 'project.json')),
    );
    assert.deepEqual(flat, [], 'libraries directly under libs/ (put them in a group)');
  });

  it('refuses a domain library importing another domain', () => {
    const result = lint('libs/odoo/client', importing('@tradewind/partner-auth', 'signedHeaders'));
    assert.notEqual(result.status, 0);
    assert.match(result.output, /enforce-module-boundaries/);
    assert.match(result.output, /scope:odoo/);
  });

  it('refuses a platform library importing a domain library', () => {
    const result = lint('libs/platform/persistence', importing('@tradewind/odoo-client', 'createOdooClient'));
    assert.notEqual(result.status, 0);
    assert.match(result.output, /enforce-module-boundaries/);
    assert.match(result.output, /scope:platform/);
  });

  it('passes a domain library importing its own domain and the platform (the probes fail only on scope)', () => {
    const ownDomain = lint('libs/partners/catalog', importing('@tradewind/partner-auth', 'signedHeaders'));
    assert.equal(ownDomain.status, 0, ownDomain.output);
    const platform = lint('libs/odoo/client', importing('@tradewind/config', 'defineConfig'));
    assert.equal(platform.status, 0, platform.output);
  });
});
