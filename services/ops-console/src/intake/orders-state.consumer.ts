// orders.state → the order view (lineage: Odoo record, status) and automatic resolution: an order that
// reaches a success (accepted, written, confirmed, acknowledged without reasons) resolves its exceptions.
import { Inject, Injectable } from '@nestjs/common';
import { type SalesOrderState, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';
import { withTransaction } from '@tradewind/persistence';
import { DataSource } from 'typeorm';

import { OpsConsoleMetrics } from '../ops-console.metrics';
import { ExceptionsRepository } from '../store/exceptions.repository';
import { isOrderSuccess, ViewsRepository } from '../store/views.repository';

export const ORDER_WORKFLOW = 'order';

@Injectable()
export class OrdersStateConsumer {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ExceptionsRepository) private readonly exceptions: ExceptionsRepository,
    @Inject(ViewsRepository) private readonly views: ViewsRepository,
    @Inject(OpsConsoleMetrics) private readonly metrics: OpsConsoleMetrics,
  ) {}

  @KafkaHandler(TOPICS.ordersState, { settings: 'ordersState' })
  async handle(record: ConsumedRecord<SalesOrderState>): Promise<void> {
    const state = record.value;
    const resolved = await withTransaction(this.dataSource, async (manager) => {
      const newer = await this.views.upsertOrderState(manager, state);
      if (!newer || !isOrderSuccess(state)) return 0;
      const ids = await this.exceptions.resolveByKey(
        manager,
        ORDER_WORKFLOW,
        state.orderId,
        `order ${state.orderId} reached ${state.status} (version ${state.version})`,
        'auto-resolution: a later success of the same business key (orders.state)',
      );
      return ids.length;
    });
    if (resolved > 0) this.metrics.autoResolved.inc({ workflow: ORDER_WORKFLOW }, resolved);
  }
}
