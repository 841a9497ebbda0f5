// libs/platform/messaging and libs/platform/observability must not import NestJS, directly or through a Nest adapter
// (issue 8 §3): lint refuses it. Probes are temporary files inside each library.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = join(__dirname, '../..');
const probeDirs = [
  'libs/platform/messaging/src/__nest_probe__',
  'libs/platform/observability/src/__nest_probe__',
];

function lint(dir: string, source: string): { status: number | null; output: string } {
  mkdirSync(join(root, dir), { recursive: true });
  const path = join(root, dir, 'probe.ts');
  writeFileSync(path, source);
  const result = spawnSync('npx', ['eslint', '--no-warn-ignored', path], { cwd: root, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the Nest-free cores', () => {
  after(() => {
    for (const dir of probeDirs) rmSync(join(root, dir), { recursive: true, force: true });
  });

  for (const dir of probeDirs) {
    it(`${dir.split('/')[2]} refuses an import of @nestjs/* and of a -nest adapter`, () => {
      const nest = lint(dir, "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n");
      assert.match(nest.output, /no-restricted-imports/);
      const adapter = lint(
        dir,
        "import { ReadinessService } from '@tradewind/observability-nest';\nexport const x = ReadinessService;\n",
      );
      assert.match(adapter.output, /no-restricted-imports/);
    });
  }

  it('a plain import passes the same rule (the probe is not refused for another reason)', () => {
    const plain = lint(
      probeDirs[0],
      "import { createLogger } from '@tradewind/observability';\nexport const x = createLogger;\n",
    );
    assert.doesNotMatch(plain.output, /no-restricted-imports/);
  });
});
