import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { defineConfig, renderConfigTable } from '@tradewind/config';

import { odooWriterConfig } from './odoo-writer.config';

describe('odoo-writer configuration', () => {
  it("is what the service's README shows (its own variables)", () => {
    const { odoo, limits, batching, retry, breaker, consumer, faults } = odooWriterConfig;
    const table = renderConfigTable(
      defineConfig({ odoo, limits, batching, retry, breaker, consumer, faults }),
    );
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    assert.ok(readme.includes(table), `README.md is stale; paste:\n${table}`);
  });
});
