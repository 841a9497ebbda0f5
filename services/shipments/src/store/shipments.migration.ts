import { MilestoneEffect, ShipmentMilestone } from '@tradewind/contracts';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const MILESTONES = Object.values(ShipmentMilestone)
  .map((m) => `'${m}'`)
  .join(', ');
const EFFECTS = Object.values(MilestoneEffect)
  .filter((e) => e !== MilestoneEffect.Unknown)
  .map((e) => `'${e}'`)
  .join(', ');

/**
 * Shipments, their events (one row per event key: a duplicate cannot be stored twice), the customer orders
 * a ship notice put in them (one picking validation each), the notices sent (one per customer and
 * milestone) and the control numbers of the X12 856s we send.
 */
export class CreateShipments1769000000000 implements MigrationInterface {
  readonly name = 'CreateShipments1769000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Unqualified: the connection's search_path is the service schema.
    await queryRunner.query(`
      CREATE TABLE shipment (
        shipment_id     text        PRIMARY KEY,
        carrier         text        NOT NULL,
        tracking_number text        NOT NULL,
        ship_date       date        NOT NULL,
        shipment_ref    text,
        milestone       text        NOT NULL DEFAULT 'unknown' CHECK (milestone IN (${MILESTONES})),
        milestone_at    timestamptz,
        status_detail   text,
        terminal        boolean     NOT NULL DEFAULT false,
        version         bigint      NOT NULL DEFAULT 0 CHECK (version >= 0),
        pod             jsonb,
        updated_at      timestamptz NOT NULL,
        CONSTRAINT shipment_identity UNIQUE (carrier, tracking_number, ship_date),
        CONSTRAINT shipment_terminal CHECK (terminal = (milestone IN ('delivered', 'returned_to_sender', 'cancelled'))),
        CONSTRAINT shipment_milestone_time CHECK ((milestone = 'unknown') = (milestone_at IS NULL))
      )`);
    await queryRunner.query(`
      CREATE TABLE shipment_event (
        shipment_id       text        NOT NULL REFERENCES shipment (shipment_id) ON DELETE CASCADE,
        event_key         text        NOT NULL,
        source_partner_id text        NOT NULL,
        source_code       text        NOT NULL,
        milestone         text        NOT NULL CHECK (milestone IN (${MILESTONES})),
        event_at          timestamptz NOT NULL,
        received_at       timestamptz NOT NULL,
        status_detail     text,
        pod               jsonb,
        effect            text        NOT NULL CHECK (effect IN (${EFFECTS})),
        PRIMARY KEY (shipment_id, event_key)
      )`);
    await queryRunner.query(`
      CREATE TABLE shipment_order (
        shipment_id text  NOT NULL REFERENCES shipment (shipment_id) ON DELETE CASCADE,
        partner_id  text  NOT NULL,
        po_number   text  NOT NULL,
        command_id  text  NOT NULL UNIQUE,
        lines       jsonb NOT NULL,
        PRIMARY KEY (shipment_id, partner_id, po_number)
      )`);
    await queryRunner.query(`
      CREATE TABLE shipment_notice (
        shipment_id text NOT NULL REFERENCES shipment (shipment_id) ON DELETE CASCADE,
        partner_id  text NOT NULL,
        milestone   text NOT NULL CHECK (milestone IN (${MILESTONES})),
        outbound_id text NOT NULL UNIQUE,
        PRIMARY KEY (shipment_id, partner_id, milestone)
      )`);
    await queryRunner.query('CREATE SEQUENCE x12_control_number MINVALUE 1 MAXVALUE 999999999 CYCLE');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP SEQUENCE x12_control_number');
    for (const table of ['shipment_notice', 'shipment_order', 'shipment_event', 'shipment'])
      await queryRunner.query(`DROP TABLE ${table}`);
  }
}
