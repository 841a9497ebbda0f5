// The repository's static checks, run as tests so that CI counts them: types, lint (with Nx module
// boundaries), formatting, and the contracts (valid, owned, generated code fresh, compatible).
// One file, so that no lint-rule probe (a temporary file inside a library) exists while the whole tree is
// type-checked, linted or formatted: the probes of the other rules are imported here, not test files.
import './nest-free.probes';
import './scopes.probes';

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = join(__dirname, '../..');

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function expectClean(command: string, args: string[]): void {
  const { status, output } = run(command, args);
  assert.equal(status, 0, `${command} ${args.join(' ')} failed:\n${output.slice(-8000)}`);
}

describe('static checks', () => {
  it('type-checks the whole repository', () => {
    expectClean('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  });

  it('lints with type-aware rules and Nx module boundaries as errors', () => {
    expectClean('npx', ['nx', 'show', 'projects']);
    expectClean('npx', ['eslint', '--max-warnings=0', '.']);
  });

  it('is formatted with prettier', () => {
    expectClean('npx', ['prettier', '--check', '.']);
  });

  it('has valid, owned, generated and compatible contracts (schemas:check)', () => {
    expectClean('node', ['-r', '@swc-node/register', 'tools/schemas/check.ts']);
  });
});

// Module boundaries are errors, not decoration: production code importing the testing library, or a
// library importing a service, must fail lint.
const probeDir = join(root, 'libs/platform/config/src/__boundary_probe__');

function lint(file: string, source: string): string {
  mkdirSync(probeDir, { recursive: true });
  const path = join(probeDir, file);
  writeFileSync(path, source);
  const result = spawnSync('npx', ['eslint', '--no-warn-ignored', path], { cwd: root, encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`;
}

describe('Nx module boundaries', () => {
  after(() => rmSync(probeDir, { recursive: true, force: true }));

  it('refuses production code importing the testing library', () => {
    const output = lint(
      'probe-testing.ts',
      "import { uniqueName } from '@tradewind/testing';\nexport const x = uniqueName('a');\n",
    );
    assert.match(output, /enforce-module-boundaries/);
  });

  it('refuses a library importing a service', () => {
    const output = lint(
      'probe-service.ts',
      "import { x } from '../../../../../services/order-intake/src/main';\nexport const y = x;\n",
    );
    assert.match(
      output,
      /enforce-module-boundaries|no-restricted-imports|Projects should use relative imports|cannot/i,
    );
  });
});
