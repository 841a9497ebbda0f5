// X12 interchange control numbers (ISA13) received per partner, in PostgreSQL so that a repeat is caught
// after a restart and by every replica. A claim is one atomic statement: of two concurrent uploads of the
// same interchange exactly one proceeds.
import { deleteInBatches } from '@tradewind/persistence';
import type { DataSource } from 'typeorm';

export type InterchangeClaim =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'duplicate'; readonly batchId: string; readonly receivedAt: Date };

export class InterchangeRegister {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  private get table(): string {
    return `"${this.schema}".x12_interchange`;
  }

  /**
   * Claims the partner's ISA13 for a batch. A control number last received before `windowMs` ago is
   * reusable (ISA13 may wrap); within the window it is a duplicate of that batch.
   */
  async claim(
    partnerId: string,
    controlNumber: string,
    batchId: string,
    receivedAt: Date,
    windowMs: number,
  ): Promise<InterchangeClaim> {
    const claimed = await this.dataSource.query<{ batch_id: string }[]>(
      `INSERT INTO ${this.table} AS x (partner_id, control_number, batch_id, received_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (partner_id, control_number) DO UPDATE
         SET batch_id = EXCLUDED.batch_id, received_at = EXCLUDED.received_at
         WHERE x.received_at < $5
       RETURNING batch_id`,
      [partnerId, controlNumber, batchId, receivedAt, new Date(receivedAt.getTime() - windowMs)],
    );
    if (claimed.length > 0) return { kind: 'claimed' };
    const [first] = await this.dataSource.query<{ batch_id: string; received_at: Date }[]>(
      `SELECT batch_id, received_at FROM ${this.table} WHERE partner_id = $1 AND control_number = $2`,
      [partnerId, controlNumber],
    );
    // Released between the two statements: the caller's retry claims it.
    if (first === undefined) return this.claim(partnerId, controlNumber, batchId, receivedAt, windowMs);
    return { kind: 'duplicate', batchId: first.batch_id, receivedAt: new Date(first.received_at) };
  }

  /**
   * Forgets control numbers received more than `retentionMs` ago, however many there are; returns how
   * many. Past its partner's duplicate window a row only makes its ISA13 reusable (see {@link claim}), so
   * a retention at least as long as every window changes no answer.
   */
  async purgeOlderThan(retentionMs: number, batchSize?: number): Promise<number> {
    return deleteInBatches(this.dataSource, {
      table: this.table,
      where: 'received_at < now() - make_interval(secs => $1::double precision / 1000)',
      params: [retentionMs],
      ...(batchSize === undefined ? {} : { batchSize }),
    });
  }

  /** Gives the control number back when the batch that claimed it was not accepted after all. */
  async release(partnerId: string, controlNumber: string, batchId: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM ${this.table} WHERE partner_id = $1 AND control_number = $2 AND batch_id = $3`,
      [partnerId, controlNumber, batchId],
    );
  }
}
