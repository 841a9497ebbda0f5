// shipments.state → who may read a shipment's proof of delivery: the customers whose orders it carries (the
// carrier that sent it was entitled when the gateway stored it). Idempotent upserts: redeliveries and
// replays change nothing.
import { Inject, Injectable } from '@nestjs/common';
import { type ShipmentState, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { KafkaHandler } from '@tradewind/messaging-nest';
import { DataSource } from 'typeorm';

import { ProofDocuments } from '../documents/proof-documents.repository';

@Injectable()
export class ShipmentProofsConsumer {
  constructor(
    @Inject(ProofDocuments) private readonly proofs: ProofDocuments,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  @KafkaHandler(TOPICS.shipmentsState, { settings: 'shipmentStates' })
  async onShipmentState(record: ConsumedRecord<ShipmentState>): Promise<void> {
    const sha256 = record.value.proofOfDelivery?.sha256;
    if (sha256 === null || sha256 === undefined || record.value.orders.length === 0) return;
    const customers = [...new Set(record.value.orders.map((o) => o.partnerId))];
    // A hash the gateway never stored entitles nothing: there is nothing to read either.
    await this.proofs.entitle(this.dataSource, sha256, customers);
  }
}
