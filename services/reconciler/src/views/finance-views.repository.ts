import type { FinanceStatus, FinanceSubject } from '@tradewind/contracts';
import type { DataSource } from 'typeorm';

import type { PlatformFinanceRecord } from '../reconciliation/finance.reconciliation';

/** One finance.state key as the reconciler keeps it: its latest record. */
export interface FinanceView extends PlatformFinanceRecord {
  /** finance.state's version: grows with every state of the key. */
  readonly version: number;
  readonly stateUpdatedAt: number;
}

interface FinanceViewRow {
  key: string;
  subject: string;
  status: string;
  partner_id: string | null;
  reference: string;
  currency: string;
  amount_minor: string;
  residual_minor: string | null;
  bill_external_id: string | null;
  reason: string | null;
  received_ms: number;
}

/** The reconciler's view of finance.state, in its PostgreSQL schema. */
export class FinanceViews {
  constructor(private readonly dataSource: DataSource) {}

  /** Applies the record unless the stored one is as new (same or higher version, not older); true when it changed. */
  async apply(view: FinanceView): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `INSERT INTO finance_views (key, subject, status, partner_id, reference, currency, amount_minor,
         residual_minor, bill_external_id, reason, version, state_updated_at, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, to_timestamp($12 / 1000.0),
               to_timestamp($12 / 1000.0))
       ON CONFLICT (key) DO UPDATE SET
         subject = EXCLUDED.subject, status = EXCLUDED.status, partner_id = EXCLUDED.partner_id,
         reference = EXCLUDED.reference, currency = EXCLUDED.currency, amount_minor = EXCLUDED.amount_minor,
         residual_minor = EXCLUDED.residual_minor, bill_external_id = EXCLUDED.bill_external_id,
         reason = EXCLUDED.reason, version = EXCLUDED.version, state_updated_at = EXCLUDED.state_updated_at,
         received_at = LEAST(finance_views.received_at, EXCLUDED.received_at)
       WHERE (finance_views.version, finance_views.state_updated_at)
           < (EXCLUDED.version, EXCLUDED.state_updated_at)
       RETURNING key`,
      [
        view.key,
        view.subject,
        view.status,
        view.partnerId,
        view.reference,
        view.currency,
        view.amountMinor,
        view.residualMinor,
        view.billExternalId,
        view.reason,
        view.version,
        view.stateUpdatedAt,
      ],
    );
    return rows.length === 1;
  }

  /** Keys first seen in [from, to). */
  async receivedIn(from: number, to: number): Promise<PlatformFinanceRecord[]> {
    const rows = await this.dataSource.query<FinanceViewRow[]>(
      `SELECT key, subject, status, partner_id, reference, currency, amount_minor, residual_minor,
              bill_external_id, reason, floor(extract(epoch FROM received_at) * 1000)::float8 AS received_ms
         FROM finance_views
        WHERE received_at >= to_timestamp($1 / 1000.0) AND received_at < to_timestamp($2 / 1000.0)`,
      [from, to],
    );
    return rows.map((row) => ({
      key: row.key,
      subject: row.subject as FinanceSubject,
      status: row.status as FinanceStatus,
      partnerId: row.partner_id,
      reference: row.reference,
      currency: row.currency,
      amountMinor: Number(row.amount_minor),
      residualMinor: row.residual_minor === null ? null : Number(row.residual_minor),
      billExternalId: row.bill_external_id,
      reason: row.reason,
      receivedAt: row.received_ms,
    }));
  }

  /** Which of these keys finance.state has (in any window). */
  async known(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.dataSource.query<{ key: string }[]>(
      'SELECT key FROM finance_views WHERE key = ANY($1::text[])',
      [keys],
    );
    return new Set(rows.map((row) => row.key));
  }
}
