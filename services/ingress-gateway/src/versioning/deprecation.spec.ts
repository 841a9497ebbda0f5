import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { PartnerConfig } from '@tradewind/partner-catalog';

import { deprecationHeaders, partnerDeprecation } from './deprecation';

void describe('Deprecation and Sunset headers', () => {
  void it('writes RFC 9745 Deprecation, RFC 8594 Sunset and a successor-version link', () => {
    assert.deepEqual(
      deprecationHeaders({
        deprecatedAt: '2027-01-01',
        sunsetAt: '2027-07-01',
        successor: 'v2',
        notice: 'Move to "v2"',
      }),
      {
        Deprecation: '@1798761600',
        Sunset: 'Thu, 01 Jul 2027 00:00:00 GMT',
        Link: '</v2>; rel="successor-version"; title="Move to v2"',
      },
    );
    assert.deepEqual(deprecationHeaders({ deprecatedAt: '2027-01-01T12:00:00Z' }), {
      Deprecation: '@1798804800',
    });
  });

  void it("follows the partner's catalog entry for the version it is on", () => {
    const partner = {
      api: {
        version: 'v1',
        deprecation: { announcedAt: '2027-01-01', sunsetAt: '2027-07-01', successor: 'v2' },
      },
    } as unknown as PartnerConfig;
    assert.deepEqual(partnerDeprecation(partner, 'v1'), {
      deprecatedAt: '2027-01-01',
      sunsetAt: '2027-07-01',
      successor: 'v2',
    });
    assert.equal(partnerDeprecation(partner, 'v2'), undefined);
    assert.equal(partnerDeprecation({ api: { version: 'v1' } } as unknown as PartnerConfig, 'v1'), undefined);
  });
});
