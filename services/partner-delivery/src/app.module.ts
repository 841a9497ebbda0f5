import { type DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@tradewind/service-kit';
import { DataSource } from 'typeorm';

import type { PartnerDeliveryConfig } from './partner-delivery.config';
import { PartnerDeliveryMetrics } from './partner-delivery.metrics';
import { PartnersOutboundConsumer } from './received/partners-outbound.consumer';
import { CreateReceivedRecords1796132686258 } from './received/received-records.migration';
import { PostgresReceivedRecords, RECEIVED_RECORDS } from './received/received-records.repository';

/** partner-delivery: partners.outbound in, one received_records row per record. */
@Module({})
export class AppModule {
  static forRoot(config: PartnerDeliveryConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceKitModule.forRoot({ config, migrations: [CreateReceivedRecords1796132686258] })],
      providers: [
        { provide: PartnerDeliveryMetrics, useFactory: () => new PartnerDeliveryMetrics() },
        {
          provide: RECEIVED_RECORDS,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new PostgresReceivedRecords(dataSource),
        },
        PartnersOutboundConsumer,
      ],
    };
  }
}
