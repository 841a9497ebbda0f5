// The simulator as the demo and the Docker image run it (main.ts, a process): its record cost defaults to
// Odoo's published import speed, and ODOO_SIM_RECORD_COST_MS / ODOO_SIM_RECORD_WORKERS override it (the e2e
// platform sets 0). A process, hence medium tier; no stack needed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { ODOO_PUBLISHED_RECORD_COST } from './index';

describe('the simulator process (main.ts: the demo, the Docker image)', () => {
  it("imports at Odoo's published speed unless ODOO_SIM_RECORD_COST_MS says otherwise", async () => {
    const knobsOf = async (env: Record<string, string>): Promise<Record<string, unknown>> => {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', 'libs/odoo/simulator/src/main.ts'], {
        cwd: join(__dirname, '../../../..'),
        env: {
          ...Object.fromEntries(
            Object.entries(process.env).filter(([name]) => !name.startsWith('ODOO_SIM_')),
          ),
          ODOO_SIM_PORT: '0',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        let out = '';
        for await (const chunk of child.stdout) {
          out += String(chunk);
          const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
          if (url) return (await (await fetch(`${url}/_sim/knobs`)).json()) as Record<string, unknown>;
        }
        throw new Error(`the simulator process exited before listening: ${out}`);
      } finally {
        child.kill('SIGTERM');
        if (child.exitCode === null) await once(child, 'exit');
      }
    };
    const published = await knobsOf({});
    assert.equal(published.recordCostMs, ODOO_PUBLISHED_RECORD_COST.recordCostMs);
    assert.equal(published.recordWorkers, ODOO_PUBLISHED_RECORD_COST.recordWorkers);
    const e2e = await knobsOf({ ODOO_SIM_RECORD_COST_MS: '0', ODOO_SIM_RECORD_WORKERS: '3' });
    assert.deepEqual([e2e.recordCostMs, e2e.recordWorkers], [0, 3]);
  });
});
