// A stand-in for an inventory-sync replica: handles the hot-SKU traffic through InventorySyncCore (inbox,
// store, outbox) with several transactions in flight, until it is killed. Env: TW_FIXTURE_DATABASE_URL,
// TW_FIXTURE_SCHEMA, TW_FIXTURE_PREFIX, TW_FIXTURE_SKU, TW_FIXTURE_ORDERS.
import { createDataSource, Inbox, OutboxWriter } from '@tradewind/persistence';

import { InventorySyncCore } from '../inventory-sync.core';
import { ReservationStore } from '../reservation.store';
import { StockLedgerStore } from '../stock-ledger.store';
import { CONSUMER_GROUP, hotSkuTraffic } from './hot-sku-traffic';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (value === undefined) throw new Error(`${name} is required`);
    return value;
  };
  const dataSource = await createDataSource({
    url: env('TW_FIXTURE_DATABASE_URL'),
    schema: env('TW_FIXTURE_SCHEMA'),
    applicationName: 'inventory-crash-worker',
    poolSize: 8,
    logging: false,
    runMigrations: false,
  });
  const core = new InventorySyncCore(
    dataSource,
    new Inbox(),
    new OutboxWriter(),
    new ReservationStore(),
    new StockLedgerStore(),
    { groupOf: () => CONSUMER_GROUP, channels: () => new Map() },
  );
  const traffic = hotSkuTraffic(
    env('TW_FIXTURE_PREFIX'),
    env('TW_FIXTURE_SKU'),
    Number(env('TW_FIXTURE_ORDERS')),
  );
  let next = 0;
  console.log(JSON.stringify({ event: 'started' }));
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < traffic.length) {
        const { request, headers } = traffic[next++];
        await core.onReservationRequest(request, headers);
      }
    }),
  );
  console.log(JSON.stringify({ event: 'done' }));
  await dataSource.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
