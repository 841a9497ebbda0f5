// The gateway's housekeeping against PostgreSQL: received X12 control numbers (x12_interchange) are
// forgotten after GATEWAY_X12_INTERCHANGE_RETENTION, but never inside a partner's duplicate window.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { loadConfig } from '@tradewind/config';
import { createDataSource } from '@tradewind/persistence';
import { Housekeeping } from '@tradewind/service-kit';
import { testStack, uniqueName } from '@tradewind/testing';
import type { DataSource } from 'typeorm';

import { PostgresNonceStore } from './auth/nonce.store';
import { CreateGatewayTables1767400000000 } from './database/gateway.migration';
import { PerOrderAcceptanceAndX12Interchanges1767500000000 } from './database/x12-interchange.migration';
import { InterchangeRegister } from './documents/interchange-register.repository';
import { gatewayConfig } from './gateway.config';
import { GatewayHousekeeping } from './housekeeping.service';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { InMemoryRateLimiter } from './limits/rate-limiter';
import { REPO_CATALOG_DIR, repoCatalog } from './test/gateway-fixtures';

const DAY_MS = 86_400_000;

void describe('gateway housekeeping against PostgreSQL', () => {
  const schema = uniqueName('gw_housekeeping');
  let dataSource: DataSource;
  let register: InterchangeRegister;

  before(async () => {
    dataSource = await createDataSource({
      url: testStack().databaseUrl,
      schema,
      applicationName: 'gateway-housekeeping-itest',
      poolSize: 4,
      logging: false,
      migrations: [CreateGatewayTables1767400000000, PerOrderAcceptanceAndX12Interchanges1767500000000],
    });
    register = new InterchangeRegister(dataSource, schema);
  });
  after(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  const housekeeping = (retention: string): GatewayHousekeeping => {
    const config = loadConfig(gatewayConfig, {
      DATABASE_URL: testStack().databaseUrl,
      PARTNER_CATALOG_DIR: REPO_CATALOG_DIR,
      GATEWAY_X12_INTERCHANGE_RETENTION: retention,
    }).values;
    return new GatewayHousekeeping(
      new Housekeeping(),
      new PostgresNonceStore(dataSource, schema),
      new IdempotencyStore(dataSource, schema, { leaseMs: 60_000, retentionMs: DAY_MS }),
      register,
      new InMemoryRateLimiter(),
      config,
      repoCatalog(),
    );
  };
  const receivedDaysAgo = async (controlNumber: string, days: number): Promise<void> => {
    const claim = await register.claim(
      'globex-edi',
      controlNumber,
      uniqueName('batch'),
      new Date(Date.now() - days * DAY_MS),
      30 * DAY_MS,
    );
    assert.equal(claim.kind, 'claimed');
  };
  const kept = async (): Promise<string[]> =>
    (
      await dataSource.query<{ control_number: string }[]>(
        `SELECT control_number FROM "${schema}".x12_interchange ORDER BY control_number`,
      )
    ).map((r) => r.control_number);

  void it('forgets control numbers older than the retention and keeps the recent ones', async () => {
    await receivedDaysAgo('000000101', 45);
    await receivedDaysAgo('000000102', 40);
    await receivedDaysAgo('000000103', 2);
    assert.equal(await housekeeping('35d').purgeInterchanges(), 2);
    assert.deepEqual(await kept(), ['000000103']);
  });

  void it("never forgets one inside its partner's duplicate window, whatever the retention says", async () => {
    // globex-edi's catalog entry remembers ISA13 for 30 days: a 1-day retention must not reopen them.
    await receivedDaysAgo('000000201', 31);
    await receivedDaysAgo('000000202', 20);
    await housekeeping('1d').purgeInterchanges();
    assert.deepEqual(await kept(), ['000000103', '000000202']);
  });
});
