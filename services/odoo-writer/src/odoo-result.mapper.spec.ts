import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { HEADER } from '@tradewind/messaging';

import { resultHeaders } from './odoo-result.mapper';

describe('the headers of a result', () => {
  const command = {
    [HEADER.messageId]: 'command-message',
    [HEADER.correlationId]: 'document-1',
    [HEADER.partnerId]: 'acme-portal',
    [HEADER.sourceSystem]: 'order-intake',
  };

  it("carry the command's correlation and partner, with the command record as their cause", () => {
    assert.deepEqual(resultHeaders(command), {
      [HEADER.correlationId]: 'document-1',
      [HEADER.causationId]: 'command-message',
      [HEADER.partnerId]: 'acme-portal',
    });
  });

  it("carry a re-drive's id, so the order's service knows whose command Odoo answered", () => {
    const headers = resultHeaders({ ...command, [HEADER.redriveId]: 'redrive-7' });
    assert.equal(headers[HEADER.redriveId], 'redrive-7');
    assert.equal(resultHeaders(command)[HEADER.redriveId], undefined);
  });
});
