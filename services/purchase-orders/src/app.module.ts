import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import type { PurchaseOrdersConfig } from './purchase-orders.config';
import { PurchaseOrdersMetrics } from './purchase-orders.metrics';
import { IngressDocumentsConsumer } from './received/ingress-documents.consumer';
import { CreateReceivedRecords1796132717909 } from './received/received-records.migration';
import { PostgresReceivedRecords, RECEIVED_RECORDS } from './received/received-records.repository';

/** purchase-orders: ingress.documents in, one received_records row per record. */
@Module({})
export class AppModule {
  static forRoot(config: PurchaseOrdersConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, migrations: [CreateReceivedRecords1796132717909] })],
      providers: [
        { provide: PurchaseOrdersMetrics, useFactory: () => new PurchaseOrdersMetrics() },
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
