import { deleteInBatches } from '@tradewind/persistence';
import type { DataSource } from 'typeorm';

import type { WindowReconciliation } from './reconciliation';

/** One stored reconciliation of a window: the report and the checksum that proves it. */
export interface ReconciliationRun {
  readonly runId: number;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly computedAt: string;
  readonly report: WindowReconciliation;
}

interface RunRow {
  run_id: string;
  window_start: Date;
  window_end: Date;
  computed_at: Date;
  report: WindowReconciliation;
}

const runOf = (row: RunRow): ReconciliationRun => ({
  runId: Number(row.run_id),
  windowStart: row.window_start.toISOString(),
  windowEnd: row.window_end.toISOString(),
  computedAt: row.computed_at.toISOString(),
  report: row.report,
});

export class ReconciliationRuns {
  constructor(private readonly dataSource: DataSource) {}

  async record(
    windowStart: number,
    windowEnd: number,
    report: WindowReconciliation,
  ): Promise<ReconciliationRun> {
    const rows = await this.dataSource.query<RunRow[]>(
      `INSERT INTO reconciliation_runs (window_start, window_end, verdict, checksum, report)
       VALUES (to_timestamp($1 / 1000.0), to_timestamp($2 / 1000.0), $3, $4, $5)
       RETURNING run_id, window_start, window_end, computed_at, report`,
      [windowStart, windowEnd, report.verdict, report.checksum, JSON.stringify(report)],
    );
    return runOf(rows[0]);
  }

  /** The window's latest run, or undefined when it was never reconciled. */
  async latest(windowStart: number): Promise<ReconciliationRun | undefined> {
    const rows = await this.dataSource.query<RunRow[]>(
      `SELECT run_id, window_start, window_end, computed_at, report FROM reconciliation_runs
        WHERE window_start = to_timestamp($1 / 1000.0) ORDER BY run_id DESC LIMIT 1`,
      [windowStart],
    );
    return rows[0] === undefined ? undefined : runOf(rows[0]);
  }

  /** Housekeeping: runs computed longer than the retention ago (a window's proof is checkable that long). */
  purgeOlderThan(retentionMs: number): Promise<number> {
    return deleteInBatches(this.dataSource, {
      table: 'reconciliation_runs',
      where: 'computed_at < now() - make_interval(secs => $1::double precision / 1000)',
      params: [retentionMs],
      batchSize: 1_000,
    });
  }

  /** The latest runs, newest first (the business page's list of windows). */
  async recent(limit: number): Promise<ReconciliationRun[]> {
    const rows = await this.dataSource.query<RunRow[]>(
      `SELECT DISTINCT ON (window_start) run_id, window_start, window_end, computed_at, report
         FROM reconciliation_runs ORDER BY window_start DESC, run_id DESC LIMIT $1`,
      [limit],
    );
    return rows.map(runOf);
  }
}
