import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import { OrdersStateConsumer } from './received/orders-state.consumer';
import { CreateReceivedRecords1796125653527 } from './received/received-records.migration';
import { PostgresReceivedRecords, RECEIVED_RECORDS } from './received/received-records.repository';
import type { ReconcilerConfig } from './reconciler.config';
import { ReconcilerMetrics } from './reconciler.metrics';

/** reconciler: orders.state in, one received_records row per record. */
@Module({})
export class AppModule {
  static forRoot(config: ReconcilerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, migrations: [CreateReceivedRecords1796125653527] })],
      providers: [
        { provide: ReconcilerMetrics, useFactory: () => new ReconcilerMetrics() },
        {
          provide: RECEIVED_RECORDS,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new PostgresReceivedRecords(dataSource),
        },
        OrdersStateConsumer,
      ],
    };
  }
}
