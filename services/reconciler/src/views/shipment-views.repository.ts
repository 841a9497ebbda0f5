import type { ShipmentMilestone } from '@tradewind/contracts';
import type { DataSource } from 'typeorm';

import { type PlatformShipment, shipmentOrderKey } from '../reconciliation/reconciliation';

/** One shipment as the reconciler keeps it: the latest shipments.state record. */
export interface ShipmentView extends PlatformShipment {
  /** shipments.state's version: it increases with every event recorded for the shipment. */
  readonly version: number;
  readonly stateUpdatedAt: number;
}

interface ShipmentViewRow {
  shipment_id: string;
  tracking_number: string;
  milestone: string;
  terminal: boolean;
  orders: PlatformShipment['orders'];
  proof_of_delivery: boolean;
  received_ms: number;
}

/** The reconciler's view of shipments.state, in its PostgreSQL schema. */
export class ShipmentViews {
  constructor(private readonly dataSource: DataSource) {}

  /** Applies the record unless the stored one is as new (same or higher version); true when it changed. */
  async apply(view: ShipmentView): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO shipment_views (shipment_id, tracking_number, milestone, terminal, orders,
         proof_of_delivery, version, state_updated_at, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0), to_timestamp($8 / 1000.0))
       ON CONFLICT (shipment_id) DO UPDATE SET
         milestone = EXCLUDED.milestone, terminal = EXCLUDED.terminal, orders = EXCLUDED.orders,
         proof_of_delivery = EXCLUDED.proof_of_delivery, version = EXCLUDED.version,
         state_updated_at = EXCLUDED.state_updated_at,
         received_at = LEAST(shipment_views.received_at, EXCLUDED.received_at)
       WHERE shipment_views.version < EXCLUDED.version
       RETURNING shipment_id`,
      [
        view.shipmentId,
        view.trackingNumber,
        view.milestone,
        view.terminal,
        JSON.stringify(view.orders),
        view.proofOfDelivery,
        view.version,
        view.stateUpdatedAt,
      ],
    );
    return rows.length === 1;
  }

  /** Shipments first seen in [from, to). */
  async receivedIn(from: number, to: number): Promise<PlatformShipment[]> {
    const rows = await this.dataSource.query<ShipmentViewRow[]>(
      `SELECT shipment_id, tracking_number, milestone, terminal, orders, proof_of_delivery,
              floor(extract(epoch FROM received_at) * 1000)::float8 AS received_ms
         FROM shipment_views
        WHERE received_at >= to_timestamp($1 / 1000.0) AND received_at < to_timestamp($2 / 1000.0)`,
      [from, to],
    );
    return rows.map((row) => ({
      shipmentId: row.shipment_id,
      trackingNumber: row.tracking_number,
      milestone: row.milestone as ShipmentMilestone,
      terminal: row.terminal,
      orders: row.orders,
      proofOfDelivery: row.proof_of_delivery,
      receivedAt: row.received_ms,
    }));
  }

  /**
   * Which of these (order, tracking number) a shipment (of any window) names with its picking validation
   * sent, as `shipmentOrderKey(partnerId, poNumber)\0trackingNumber`.
   */
  async named(trackingNumbers: readonly string[]): Promise<Set<string>> {
    if (trackingNumbers.length === 0) return new Set();
    const rows = await this.dataSource.query<Pick<ShipmentViewRow, 'tracking_number' | 'orders'>[]>(
      'SELECT tracking_number, orders FROM shipment_views WHERE tracking_number = ANY($1::text[])',
      [[...new Set(trackingNumbers)]],
    );
    return new Set(
      rows.flatMap((row) =>
        row.orders
          .filter((order) => order.pickingValidation !== null)
          .map((order) => `${shipmentOrderKey(order.partnerId, order.poNumber)}\u0000${row.tracking_number}`),
      ),
    );
  }
}
