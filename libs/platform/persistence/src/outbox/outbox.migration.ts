import type { MigrationInterface, QueryRunner } from 'typeorm';

import { schemaOf } from '../data-source.factory';
import { OUTBOX_NOTIFY_CHANNEL, OUTBOX_TABLE } from './outbox.constants';

/** The transactional outbox table, its index for the relay, and the insert trigger that wakes it. */
export class CreateOutboxMessage1767225600000 implements MigrationInterface {
  readonly name = 'CreateOutboxMessage1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource);
    await queryRunner.query(`
      CREATE TABLE "${schema}".${OUTBOX_TABLE} (
        id           bigserial   PRIMARY KEY,
        message_id   uuid        NOT NULL DEFAULT gen_random_uuid(),
        topic        text        NOT NULL,
        key          text        NULL,
        value        jsonb       NOT NULL,
        headers      jsonb       NOT NULL DEFAULT '{}'::jsonb,
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz NULL,
        CONSTRAINT ${OUTBOX_TABLE}_message_id_key UNIQUE (message_id),
        CONSTRAINT ${OUTBOX_TABLE}_topic_check CHECK (topic <> '')
      )`);
    // The relay's only read: the oldest unpublished rows, in id order. Stays small as rows are marked.
    await queryRunner.query(
      `CREATE INDEX ${OUTBOX_TABLE}_unpublished_idx ON "${schema}".${OUTBOX_TABLE} (id) WHERE published_at IS NULL`,
    );
    // Statement-level, so a multi-row insert sends one notification; PostgreSQL delivers it at commit
    // and folds duplicates within a transaction.
    await queryRunner.query(`
      CREATE FUNCTION "${schema}".${OUTBOX_TABLE}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${OUTBOX_NOTIFY_CHANNEL}', TG_TABLE_SCHEMA);
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER ${OUTBOX_TABLE}_notify AFTER INSERT ON "${schema}".${OUTBOX_TABLE}
      FOR EACH STATEMENT EXECUTE FUNCTION "${schema}".${OUTBOX_TABLE}_notify()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource);
    await queryRunner.query(`DROP TABLE "${schema}".${OUTBOX_TABLE}`);
    await queryRunner.query(`DROP FUNCTION "${schema}".${OUTBOX_TABLE}_notify()`);
  }
}

/** Why a row was skipped as undeliverable (NULL for a row that was published). */
export class AddOutboxUndeliverableReason1767225600040 implements MigrationInterface {
  readonly name = 'AddOutboxUndeliverableReason1767225600040';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource);
    await queryRunner.query(
      `ALTER TABLE "${schema}".${OUTBOX_TABLE} ADD COLUMN undeliverable_reason text NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource);
    await queryRunner.query(`ALTER TABLE "${schema}".${OUTBOX_TABLE} DROP COLUMN undeliverable_reason`);
  }
}
