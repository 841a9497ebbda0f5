import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reconciler's own view of orders.state (latest version per order, the window it was first seen in) and
 * the stored proofs: one row per reconciliation run of a window, its checksum and its report.
 */
export class CreateReconcilerViews1796125653527 implements MigrationInterface {
  readonly name = 'CreateReconcilerViews1796125653527';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Unqualified: the connection's search_path is the service schema.
    await queryRunner.query(`
      CREATE TABLE order_views (
        order_id         text        NOT NULL,
        partner_id       text        NOT NULL,
        po_number        text        NOT NULL,
        status           text        NOT NULL,
        version          bigint      NOT NULL,
        odoo_external_id text,
        odoo_partner_id  bigint,
        rejected         boolean     NOT NULL,
        lines            jsonb       NOT NULL,
        state_updated_at timestamptz NOT NULL,
        received_at      timestamptz NOT NULL,
        CONSTRAINT order_views_pkey PRIMARY KEY (order_id)
      )`);
    await queryRunner.query('CREATE INDEX order_views_received_at ON order_views (received_at)');
    await queryRunner.query('CREATE INDEX order_views_odoo_external_id ON order_views (odoo_external_id)');
    await queryRunner.query(`
      CREATE TABLE reconciliation_runs (
        run_id       bigserial   NOT NULL,
        window_start timestamptz NOT NULL,
        window_end   timestamptz NOT NULL,
        verdict      text        NOT NULL,
        checksum     text        NOT NULL,
        report       jsonb       NOT NULL,
        computed_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reconciliation_runs_pkey PRIMARY KEY (run_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX reconciliation_runs_window ON reconciliation_runs (window_start, run_id DESC)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE reconciliation_runs');
    await queryRunner.query('DROP TABLE order_views');
  }
}
