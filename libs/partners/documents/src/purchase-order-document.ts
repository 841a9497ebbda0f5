// A purchase order as we send it to a supplier, and the supplier's answers, independent of the format they
// travel in (X12 850/860/855/997, JSON or CSV).

export interface SupplierOrderLine {
  /** PO101: the line's position in our order, stable across revisions. */
  readonly lineNumber: string;
  readonly sku: string;
  /** The supplier's part number (PO1 VP). */
  readonly supplierPartNumber: string;
  readonly description?: string;
  /** In the supplier's unit. */
  readonly quantity: number;
  /** The supplier's unit code (X12 355: EA, CA, BX, ...). */
  readonly uom: string;
  /** Per supplier unit. */
  readonly unitPrice: number;
  /** ISO date the line must arrive. */
  readonly expectedDate: string;
}

export interface SupplierOrder {
  readonly poNumber: string;
  /** ISO date of the order. */
  readonly orderDate: string;
  /** 1 for the order first sent; each change sent after it counts up. */
  readonly revision: number;
  readonly currency: string;
  readonly supplierId: string;
  readonly lines: readonly SupplierOrderLine[];
  /**
   * What this revision does: `original` (revision 1), `replace` (the whole order again) or `cancel` (the
   * buyer cancelled the order; its lines are the ones last sent). Default: original at revision 1, else replace.
   */
  readonly purpose?: SupplierOrderPurpose;
}

export type SupplierOrderPurpose = 'original' | 'replace' | 'cancel';

/** The purpose of a revision: its own, else original at revision 1 and replace after. */
export const purposeOf = (order: SupplierOrder): SupplierOrderPurpose =>
  order.purpose ?? (order.revision === 1 ? 'original' : 'replace');

/** What the supplier answers for one line (X12 ACK01 mapped). */
export enum SupplierLineStatus {
  Accepted = 'accepted',
  Changed = 'changed',
  Backordered = 'backordered',
  Rejected = 'rejected',
}

export interface SupplierAckLine {
  readonly lineNumber: string;
  readonly status: SupplierLineStatus;
  readonly quantity?: number;
  readonly unitPrice?: number;
  /** ISO date the supplier promises. */
  readonly date?: string;
}

export interface SupplierAcknowledgement {
  readonly poNumber: string;
  /** accepted (AD/AK), changed (AC), rejected (RJ). */
  readonly status: 'accepted' | 'changed' | 'rejected';
  readonly lines: readonly SupplierAckLine[];
}

/** A 997 the supplier sent for one of our interchanges. */
export interface ReceivedFunctionalAck {
  /** AK102: the group control number of ours it answers. */
  readonly groupControlNumber: string;
  /** AK901: A, E, P or R. */
  readonly code: string;
  readonly accepted: boolean;
}
