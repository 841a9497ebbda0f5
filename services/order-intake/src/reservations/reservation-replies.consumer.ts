// Consumes inventory.reservation-replies: inventory-sync's answer for the orders this service asked about.
import { Inject, Injectable } from '@nestjs/common';
import { type ReservationReply, TOPICS } from '@tradewind/contracts';
import type { ConsumedRecord } from '@tradewind/messaging';
import { defaultConsumerGroup, KafkaHandler } from '@tradewind/messaging-nest';

import { toRunnerError } from '../order-intake.exception';
import { ReservationRepliesService } from './reservation-replies.service';

/** The consumer group reading inventory.reservation-replies. */
export function repliesGroupOf(serviceName: string): string {
  return defaultConsumerGroup(serviceName, TOPICS.inventoryReservationReplies);
}

@Injectable()
export class ReservationRepliesConsumer {
  constructor(@Inject(ReservationRepliesService) private readonly replies: ReservationRepliesService) {}

  @KafkaHandler(TOPICS.inventoryReservationReplies, { settings: 'reservationReplies' })
  async handle(record: ConsumedRecord<ReservationReply>): Promise<void> {
    try {
      await this.replies.handle(record.value, record.headers);
    } catch (error) {
      throw toRunnerError(error);
    }
  }
}
