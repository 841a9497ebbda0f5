import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import type { OpsConsoleConfig } from './ops-console.config';
import { OpsConsoleMetrics } from './ops-console.metrics';
import { OpsExceptionsConsumer } from './received/ops-exceptions.consumer';
import { CreateReceivedRecords1796132723538 } from './received/received-records.migration';
import { PostgresReceivedRecords, RECEIVED_RECORDS } from './received/received-records.repository';

/** ops-console: ops.exceptions in, one received_records row per record. */
@Module({})
export class AppModule {
  static forRoot(config: OpsConsoleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, migrations: [CreateReceivedRecords1796132723538] })],
      providers: [
        { provide: OpsConsoleMetrics, useFactory: () => new OpsConsoleMetrics() },
        {
          provide: RECEIVED_RECORDS,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new PostgresReceivedRecords(dataSource),
        },
        OpsExceptionsConsumer,
      ],
    };
  }
}
