import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import type { InvoicesConfig } from './invoices.config';
import { InvoicesMetrics } from './invoices.metrics';
import { IngressDocumentsConsumer } from './received/ingress-documents.consumer';
import { CreateReceivedRecords1796133155570 } from './received/received-records.migration';
import { PostgresReceivedRecords, RECEIVED_RECORDS } from './received/received-records.repository';

/** invoices: ingress.documents in, one received_records row per record. */
@Module({})
export class AppModule {
  static forRoot(config: InvoicesConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, migrations: [CreateReceivedRecords1796133155570] })],
      providers: [
        { provide: InvoicesMetrics, useFactory: () => new InvoicesMetrics() },
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
