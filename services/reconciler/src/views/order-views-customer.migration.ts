import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The customer orders.state names (our id): the re-drive and the matching by PO need its Odoo id. */
export class AddOrderViewsCustomer1796300000001 implements MigrationInterface {
  readonly name = 'AddOrderViewsCustomer1796300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE order_views ADD COLUMN customer_ref text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE order_views DROP COLUMN customer_ref');
  }
}
