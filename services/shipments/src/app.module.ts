import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import { IngressDocumentsConsumer } from './received/ingress-documents.consumer';
import { CreateReceivedRecords1796133114189 } from './received/received-records.migration';
import { PostgresReceivedRecords, RECEIVED_RECORDS } from './received/received-records.repository';
import type { ShipmentsConfig } from './shipments.config';
import { ShipmentsMetrics } from './shipments.metrics';

/** shipments: ingress.documents in, one received_records row per record. */
@Module({})
export class AppModule {
  static forRoot(config: ShipmentsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, migrations: [CreateReceivedRecords1796133114189] })],
      providers: [
        { provide: ShipmentsMetrics, useFactory: () => new ShipmentsMetrics() },
        {
          provide: RECEIVED_RECORDS,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new PostgresReceivedRecords(dataSource),
        },
        IngressDocumentsConsumer,
      ],
    };
  }
}
