import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's tables: exceptions with their state, assignment and tags, the history of every action,
 * four-eyes approvals, dead letters (raw, for re-drive), and read views of orders.state, partners.outbound
 * and ops.audit for the lineage and the acknowledgement timers.
 */
export class CreateConsoleTables1796140000000 implements MigrationInterface {
  readonly name = 'CreateConsoleTables1796140000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Unqualified: the connection's search_path is the service schema.
    await queryRunner.query(`
      CREATE TABLE exceptions (
        exception_id     text        PRIMARY KEY,
        kind             text        NOT NULL,
        code             text        NOT NULL,
        message          text        NOT NULL,
        service          text        NOT NULL,
        source_topic     text        NOT NULL,
        source_partition integer     NOT NULL,
        source_offset    text        NOT NULL,
        source_key       text,
        partner_id       text,
        correlation_id   text,
        details          jsonb       NOT NULL DEFAULT '[]',
        occurred_at      timestamptz NOT NULL,
        received_at      timestamptz NOT NULL DEFAULT now(),
        workflow         text        NOT NULL,
        document_type    text,
        business_key     text,
        document_id      text,
        document_version bigint,
        record           jsonb,
        state            text        NOT NULL DEFAULT 'open'
                         CHECK (state IN ('open', 'in_progress', 'resolved', 'discarded', 'superseded')),
        assignee         text,
        tags             text[]      NOT NULL DEFAULT '{}',
        superseded_by    text,
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX exceptions_queue ON exceptions (state, occurred_at DESC)');
    await queryRunner.query('CREATE INDEX exceptions_business_key ON exceptions (business_key)');
    await queryRunner.query(`
      CREATE TABLE exception_events (
        event_id     bigserial   PRIMARY KEY,
        exception_id text        NOT NULL REFERENCES exceptions ON DELETE CASCADE,
        at           timestamptz NOT NULL DEFAULT now(),
        actor        text        NOT NULL,
        action       text        NOT NULL,
        reason       text,
        policy       text,
        detail       jsonb
      )`);
    await queryRunner.query('CREATE INDEX exception_events_of ON exception_events (exception_id, event_id)');
    await queryRunner.query(`
      CREATE TABLE approvals (
        approval_id  uuid        PRIMARY KEY,
        exception_id text        NOT NULL REFERENCES exceptions ON DELETE CASCADE,
        action       text        NOT NULL,
        payload      jsonb       NOT NULL,
        reason       text        NOT NULL,
        requested_by text        NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        decision     text        CHECK (decision IN ('approved', 'rejected')),
        decided_by   text,
        decided_at   timestamptz,
        CHECK (decided_by IS NULL OR decided_by <> requested_by)
      )`);
    // One pending request per exception: a second request waits for the first's decision.
    await queryRunner.query(
      'CREATE UNIQUE INDEX approvals_one_pending ON approvals (exception_id) WHERE decision IS NULL',
    );
    await queryRunner.query(`
      CREATE TABLE dead_letters (
        dlq_topic          text        NOT NULL,
        dlq_partition      integer     NOT NULL,
        dlq_offset         text        NOT NULL,
        original_topic     text        NOT NULL,
        original_partition integer     NOT NULL,
        original_offset    text        NOT NULL,
        consumer_group     text        NOT NULL,
        record_key         bytea,
        record_value       bytea,
        headers            jsonb       NOT NULL,
        error_class        text,
        error_message      text,
        failed_at          timestamptz,
        redriven_at        timestamptz,
        redriven_by        text,
        PRIMARY KEY (dlq_topic, dlq_partition, dlq_offset)
      )`);
    await queryRunner.query(
      `CREATE INDEX dead_letters_origin ON dead_letters
         (original_topic, consumer_group, original_partition, original_offset)`,
    );
    await queryRunner.query(`
      CREATE TABLE order_states (
        order_id         text        PRIMARY KEY,
        partner_id       text        NOT NULL,
        po_number        text        NOT NULL,
        status           text        NOT NULL,
        version          bigint      NOT NULL,
        document_ids     text[]      NOT NULL,
        odoo_external_id text,
        odoo_order_id    bigint,
        rejection        jsonb       NOT NULL DEFAULT '[]',
        received_at      timestamptz,
        updated_at       timestamptz NOT NULL,
        success_version  bigint
      )`);
    await queryRunner.query('CREATE INDEX order_states_partner ON order_states (partner_id, status)');
    await queryRunner.query(`
      CREATE TABLE acknowledgements (
        outbound_id   text        PRIMARY KEY,
        partner_id    text        NOT NULL,
        document_type text        NOT NULL,
        content_type  text        NOT NULL,
        relates_to    text[]      NOT NULL,
        payload       text        NOT NULL,
        created_at    timestamptz NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX acknowledgements_relates_to ON acknowledgements USING gin (relates_to)',
    );
    await queryRunner.query(`
      CREATE TABLE audit_events (
        audit_id      text        PRIMARY KEY,
        occurred_at   timestamptz NOT NULL,
        partner_id    text,
        principal     text,
        action        text        NOT NULL,
        document_type text,
        tracking_id   text,
        outcome       text        NOT NULL,
        http_status   integer,
        policy        text,
        reason        text,
        sha256        text,
        size_bytes    bigint      NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX audit_events_tracking ON audit_events (tracking_id)');
    await queryRunner.query(`
      CREATE TABLE source_records (
        topic        text        NOT NULL,
        partition    integer     NOT NULL,
        "offset"     text        NOT NULL,
        record_key   text,
        value        jsonb       NOT NULL,
        headers      jsonb       NOT NULL,
        fetched_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (topic, partition, "offset")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'source_records',
      'audit_events',
      'acknowledgements',
      'order_states',
      'dead_letters',
      'approvals',
      'exception_events',
      'exceptions',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
