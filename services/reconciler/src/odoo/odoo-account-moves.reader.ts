// Reads the journal entries one window's finance.state needs, with the read-only key, batched with a
// bounded number of requests in flight like the order readers: customer invoices by id (`invoice/<id>`),
// vendor bills by the odoo-writer's external id (`tradewind.bill_…`) and by the supplier's number (`ref`,
// a bill entered by hand), and the posted invoices and bills written in the window for the catalog's
// customers and suppliers' vendors (moves finance.state never had); then each move once by id.
import type { CallOptions, Domain, OdooClient, OdooRecord } from '@tradewind/odoo-client';

import type { OdooMove } from '../reconciliation/finance.reconciliation';
import { chunks, eachBounded, idOf, odooDatetime, recordIdsOf, textOf } from './odoo-reads';

export interface AccountMoveQuery {
  /** account.move ids of the window's customer invoices. */
  readonly ids: readonly number[];
  /** The window's vendor bills by external id. */
  readonly billExternalIds: readonly string[];
  /** The window's supplier invoice numbers per Odoo vendor (a `ref` only means something with its vendor). */
  readonly refsByVendor: ReadonlyMap<number, readonly string[]>;
  /** `write_date` in [from, to), epoch ms. */
  readonly writtenFrom: number;
  readonly writtenTo: number;
  /** The invoiced partners' customers and the suppliers' vendors: Odoo's other moves are not the platform's. */
  readonly customerIds: readonly number[];
  readonly vendorIds: readonly number[];
  readonly batchSize: number;
  readonly concurrency?: number;
}

const MOVE_FIELDS = [
  'name',
  'move_type',
  'state',
  'payment_state',
  'partner_id',
  'ref',
  'amount_untaxed',
  'amount_total',
  'amount_residual',
  'write_date',
];

/** Odoo's monetary decimals as integer minor units (the invoices service's book does the same). */
const minorOf = (value: unknown): number => Math.round(Number(value ?? 0) * 100);
const epochOf = (value: unknown): number =>
  typeof value === 'string' ? Date.parse(`${value.replace(' ', 'T')}Z`) : Number.NaN;

export class OdooAccountMovesReader {
  constructor(
    private readonly client: OdooClient,
    private readonly options: CallOptions = {},
  ) {}

  async read(query: AccountMoveQuery): Promise<OdooMove[]> {
    const concurrency = query.concurrency ?? 1;
    const wanted = new Set<number>(query.ids);
    const xidOf = new Map<number, string>();
    const bills = await recordIdsOf(this.client, 'account.move', query.billExternalIds, {
      size: query.batchSize,
      concurrency,
      options: this.options,
    });
    for (const [xid, id] of bills) {
      xidOf.set(id, xid);
      wanted.add(id);
    }
    const searches: Domain[] = [];
    for (const [vendorId, refs] of query.refsByVendor) {
      for (const batch of chunks([...new Set(refs)], query.batchSize))
        searches.push([
          ['move_type', '=', 'in_invoice'],
          ['partner_id', '=', vendorId],
          ['ref', 'in', batch],
        ]);
    }
    const written = (moveTypes: string[], partnerIds: readonly number[]): Domain => [
      ['move_type', 'in', moveTypes],
      ['state', '=', 'posted'],
      ['write_date', '>=', odooDatetime(query.writtenFrom)],
      ['write_date', '<', odooDatetime(query.writtenTo)],
      ['partner_id', 'in', [...partnerIds]],
    ];
    if (query.customerIds.length > 0)
      searches.push(written(['out_invoice', 'out_refund'], query.customerIds));
    if (query.vendorIds.length > 0) searches.push(written(['in_invoice'], query.vendorIds));
    await eachBounded(searches, concurrency, async (domain) => {
      for (const id of await this.client.search('account.move', domain, { ...this.options, order: 'id' }))
        wanted.add(id);
    });
    if (wanted.size === 0) return [];
    const ids = [...wanted].sort((a, b) => a - b);
    const moves = new Map<number, OdooRecord>();
    await eachBounded(chunks(ids, query.batchSize), concurrency, async (batch) => {
      // A move deleted in Odoo (a draft) is silently absent: read by id.
      for (const row of await this.client.searchRead('account.move', [['id', 'in', batch]], {
        ...this.options,
        fields: MOVE_FIELDS,
        load: false,
        order: 'id',
      }))
        moves.set(row.id, row);
    });
    return ids.flatMap((id) => {
      const row = moves.get(id);
      if (row === undefined) return [];
      return [
        {
          id,
          name: String(row.name),
          moveType: String(row.move_type),
          state: String(row.state),
          paymentState: textOf(row.payment_state) ?? 'not_paid',
          partnerId: idOf(row.partner_id),
          ref: textOf(row.ref),
          externalId: xidOf.get(id) ?? null,
          amountUntaxedMinor: minorOf(row.amount_untaxed),
          amountTotalMinor: minorOf(row.amount_total),
          amountResidualMinor: minorOf(row.amount_residual),
          writtenAt: epochOf(row.write_date),
        },
      ];
    });
  }
}
