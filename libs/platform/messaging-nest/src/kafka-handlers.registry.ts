import { Injectable } from '@nestjs/common';
import type { TopicName, TopicValueMap } from '@tradewind/contracts';
import type { RecordHandler } from '@tradewind/messaging';

import type { ConsumerSettings } from './consumer.config';

/** A handler registered in code: for what a decorator cannot say (a handler built at run time). */
export interface HandlerRegistration<T extends TopicName> {
  /** The topic whose value type the handler takes (and whose schema decodes the records). */
  topic: T;
  /** A section of the service config's `consumers`, or a consumerConfig section found elsewhere. */
  settings: string | ConsumerSettings;
  handler: RecordHandler<TopicValueMap[T]>;
  /** Read this topic instead, with `topic`'s schema (tests point a service at a topic of their own). */
  readFrom?: string;
  /** The group when the settings name none; unset: `<service name>.<topic read>`. */
  defaultGroup?: string;
  /** For logs and error messages; default the topic. */
  name?: string;
}

/** What the messaging lifecycle starts: a registration with its value type erased. */
export interface ErasedRegistration {
  topic: TopicName;
  settings: string | ConsumerSettings;
  handler: RecordHandler<unknown>;
  readFrom?: string;
  defaultGroup?: string;
  name: string;
}

/**
 * Programmatic handler registration. Inject it and register in `onModuleInit` (every module is
 * initialised before the consumers start on bootstrap); a registration after that is refused.
 */
@Injectable()
export class KafkaHandlers {
  private readonly registered: ErasedRegistration[] = [];
  private started = false;

  register<T extends TopicName>(registration: HandlerRegistration<T>): void {
    const name = registration.name ?? registration.readFrom ?? registration.topic;
    if (this.started) {
      throw new Error(`handler ${name} registered after the consumers started: register it in onModuleInit`);
    }
    this.registered.push({ ...registration, name, handler: registration.handler as RecordHandler<unknown> });
  }

  /** The registrations so far; later ones are refused (called once, when the consumers start). */
  seal(): readonly ErasedRegistration[] {
    this.started = true;
    return [...this.registered];
  }
}
