import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TOPIC_CATALOG, TOPICS } from './generated';
import { NO_COMMAND_BODY } from './odoo-command-bodies';

describe('NO_COMMAND_BODY', () => {
  it("names every typed body of odoo.commands' schema (the optional records), each null", () => {
    const fields = TOPIC_CATALOG[TOPICS.odooCommands].valueSchema.fields as { name: string; type: unknown }[];
    const bodies = fields
      .filter((field) => Array.isArray(field.type) && field.type[0] === 'null')
      .map((field) => field.name)
      .sort();
    assert.deepEqual(Object.keys(NO_COMMAND_BODY).sort(), bodies);
    assert.ok(Object.values(NO_COMMAND_BODY).every((body) => body === null));
    assert.ok(Object.isFrozen(NO_COMMAND_BODY));
  });
});
