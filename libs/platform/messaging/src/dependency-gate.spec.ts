import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { unavailableDependency } from './dependency-gate';
import { DependencyUnavailableError } from './messaging.exception';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('unavailableDependency', () => {
  it('names the dependency of a DependencyUnavailableError anywhere in the cause chain', () => {
    const inner = new DependencyUnavailableError('odoo', 'Odoo answered 503');
    assert.equal(unavailableDependency(new Error('price lookup failed', { cause: inner })), 'odoo');
  });

  it('recognises PostgreSQL being away, also behind typeorm’s driverError and an AggregateError', () => {
    assert.equal(unavailableDependency(withCode('terminating connection', '57P01')), 'database');
    assert.equal(unavailableDependency(withCode('connection failure', '08006')), 'database');
    assert.equal(unavailableDependency(new Error('Connection terminated unexpectedly')), 'database');
    const queryFailed = Object.assign(new Error('query failed'), {
      driverError: withCode('the database system is starting up', '57P03'),
    });
    assert.equal(unavailableDependency(queryFailed), 'database');
    const refused = new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '');
    assert.equal(unavailableDependency(refused), 'network');
  });

  it('leaves failures of the record alone', () => {
    assert.equal(unavailableDependency(withCode('duplicate key value', '23505')), undefined);
    assert.equal(unavailableDependency(withCode('value too long', '22001')), undefined);
    assert.equal(unavailableDependency(new TypeError('cannot read properties of undefined')), undefined);
    // A saturated pool says this too: load, not an outage.
    assert.equal(unavailableDependency(new Error('timeout exceeded when trying to connect')), undefined);
    assert.equal(unavailableDependency('a string'), undefined);
  });
});
