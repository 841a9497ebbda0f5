import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The durable delivery queue: one row per partners.outbound document (its outboundId), written before the
 * record's offset is committed. `seq` is the order of arrival, which keeps an ordering key's documents in
 * order per endpoint; `attempts` doubles as the fencing token of a claim (a worker whose lease ran out
 * cannot record over its successor's attempt).
 */
export class CreateDeliveries1796140000000 implements MigrationInterface {
  readonly name = 'CreateDeliveries1796140000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Unqualified: the connection's search_path is the service schema.
    await queryRunner.query(`
      CREATE TABLE deliveries (
        outbound_id     text        NOT NULL,
        seq             bigserial   NOT NULL,
        partner_id      text        NOT NULL,
        document_type   text        NOT NULL,
        format          text        NOT NULL,
        content_type    text        NOT NULL,
        relates_to      text[]      NOT NULL,
        ordering_key    text,
        payload         bytea       NOT NULL,
        created_at      timestamptz NOT NULL,
        received_at     timestamptz NOT NULL DEFAULT now(),
        correlation_id  text,
        endpoint        text,
        channel         text,
        state           text        NOT NULL,
        attempts        integer     NOT NULL DEFAULT 0,
        outage_attempts integer     NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until     timestamptz,
        last_error      text,
        last_status     integer,
        delivered_at    timestamptz,
        receipt         jsonb,
        CONSTRAINT deliveries_pkey PRIMARY KEY (outbound_id),
        CONSTRAINT deliveries_state CHECK (state IN ('pending', 'delivered', 'dead', 'unroutable'))
      )`);
    await queryRunner.query(
      `CREATE INDEX deliveries_pending ON deliveries (endpoint, seq) WHERE state = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX deliveries_pending_ordering ON deliveries (endpoint, ordering_key, seq) WHERE state = 'pending' AND ordering_key IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE deliveries');
  }
}
