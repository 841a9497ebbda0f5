import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reconciler's view of shipments.state: the latest state of each shipment, its customer orders with
 * their picking validations, and the window it was first seen in.
 */
export class CreateShipmentViews1796300000004 implements MigrationInterface {
  readonly name = 'CreateShipmentViews1796300000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE shipment_views (
        shipment_id       text        NOT NULL,
        tracking_number   text        NOT NULL,
        milestone         text        NOT NULL,
        terminal          boolean     NOT NULL,
        orders            jsonb       NOT NULL,
        proof_of_delivery boolean     NOT NULL,
        version           bigint      NOT NULL,
        state_updated_at  timestamptz NOT NULL,
        received_at       timestamptz NOT NULL,
        CONSTRAINT shipment_views_pkey PRIMARY KEY (shipment_id)
      )`);
    await queryRunner.query('CREATE INDEX shipment_views_received_at ON shipment_views (received_at)');
    // A delivery validated in Odoo is explained by the shipments carrying its tracking reference.
    await queryRunner.query(
      'CREATE INDEX shipment_views_tracking_number ON shipment_views (tracking_number)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE shipment_views');
  }
}
