// typeorm data sources (one schema per service, migrations at start-up), transactions, the
// transactional outbox with its relay, and the inbox for idempotent consumers.
import { CreateInboxMessage1767225600001 } from './inbox/inbox.migration';
import {
  AddOutboxUndeliverableReason1767225600040,
  CreateOutboxMessage1767225600000,
} from './outbox/outbox.migration';

export { type BatchDeleteOptions, deleteInBatches } from './batch-delete';
export {
  buildDataSourceOptions,
  createDataSource,
  migrateDataSource,
  MIGRATIONS_TABLE,
  type PostgresDataSourceOptions,
  schemaOf,
  type ServiceDataSourceConfig,
} from './data-source.factory';
export { INBOX_TABLE } from './inbox/inbox.migration';
export { Inbox, type InboxKey } from './inbox/inbox.store';
export { decodeJsonValue, encodeJsonValue, type JsonValue } from './json-value.codec';
export type { PersistenceLogger } from './logger';
export { purgePublishedOutbox } from './outbox/outbox.cleanup';
export { OUTBOX_NOTIFY_CHANNEL, OUTBOX_TABLE } from './outbox/outbox.constants';
export { type OutboxMetrics, prometheusOutboxMetrics } from './outbox/outbox.metrics';
export { OutboxRelay, type OutboxRelayOptions, type OutboxRelayState } from './outbox/outbox.relay';
export type {
  OutboxEnqueued,
  OutboxEnqueueRequest,
  OutboxMessage,
  OutboxPublisher,
  OutboxPublishResult,
  OutboxUndeliverable,
} from './outbox/outbox.types';
export { OutboxWriter } from './outbox/outbox.writer';
export { PersistenceErrorCode, PersistenceException } from './persistence.exception';
export { assertSchemaName } from './schema-name';
export { type IsolationLevel, sqlState, type TransactionOptions, withTransaction } from './transaction';
export {
  AddOutboxUndeliverableReason1767225600040,
  CreateInboxMessage1767225600001,
  CreateOutboxMessage1767225600000,
};

/** The library's migrations (outbox, inbox), for a service's `migrations` list. */
export const persistenceMigrations = [
  CreateOutboxMessage1767225600000,
  CreateInboxMessage1767225600001,
  AddOutboxUndeliverableReason1767225600040,
];
export { uuidFromSeed } from './outbox/message-id';
