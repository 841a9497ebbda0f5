import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadPartnerCatalog } from './catalog.loader';
import { feedTermsOf, reservationTermsOf } from './inventory-terms';

void describe('inventory terms', () => {
  void it('resolve the hold TTL in milliseconds and leave unstated terms to the service', () => {
    assert.deepEqual(reservationTermsOf({ shortagePolicy: 'backorder', holdTtlMinutes: 30 }), {
      shortagePolicy: 'backorder',
      holdTtlMs: 1_800_000,
    });
    assert.deepEqual(reservationTermsOf(undefined), { shortagePolicy: undefined, holdTtlMs: undefined });
    assert.deepEqual(reservationTermsOf({ holdTtlMinutes: 0 }).holdTtlMs, 0);
    assert.deepEqual(feedTermsOf(undefined), { everyMs: 60_000, maxItems: 500 });
    assert.deepEqual(feedTermsOf({ feedEverySeconds: 5, feedMaxItems: 10 }), { everyMs: 5000, maxItems: 10 });
  });

  void it("read from the shipped catalog: each channel's policy, TTL, feed cadence and formats", () => {
    const catalog = loadPartnerCatalog('config/partners');
    assert.deepEqual(catalog.reservationTerms('market-hub'), {
      shortagePolicy: 'reject',
      holdTtlMs: 30 * 60_000,
    });
    assert.equal(catalog.reservationTerms('bazaarly').shortagePolicy, 'backorder');
    assert.deepEqual(catalog.feedTerms('market-hub'), { everyMs: 5000, maxItems: 250, formats: ['json'] });
    assert.deepEqual(catalog.feedTerms('bazaarly').formats, ['csv']);
    assert.deepEqual(catalog.feedTerms('northwind-wms').formats, []);
  });
});
