// The completeness report as a page a business user can read: per partner and workflow, what the gateway
// accepted, what the platform holds, what Odoo holds, amounts on both sides, the verdict, and the
// discrepancies by class. Self-contained HTML (no scripts, inline styles), every value escaped.
import { DISCREPANCY_CLASSES, type DiscrepancyClass } from './reconciliation';
import type { ReconciliationRun } from './reconciliation-runs.repository';

const CLASS_TEXT: Record<DiscrepancyClass, string> = {
  missing_in_odoo: 'Missing in Odoo',
  duplicated_in_odoo: 'Duplicated in Odoo',
  fields_differ: 'Quantities or amounts differ',
  stuck: 'Stuck (no final state in time)',
  no_platform_origin: 'In Odoo, not from the platform',
  acknowledgement_not_sent: 'Acknowledgement never sent',
  not_on_platform: 'Accepted, never reached the platform',
};

/** Discrepancies listed per class at most (the JSON report has them all). */
const LISTED = 200;

const escape = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const money = (value: number) =>
  value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1d2430; }
  h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
  th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #dde2ea; vertical-align: top; }
  th { background: #f3f5f8; font-weight: 600; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
  .ok { color: #0b6b2e; font-weight: 600; } .bad { color: #a4161a; font-weight: 600; }
  .muted { color: #5b6575; font-size: .9rem; } code { font-size: .85rem; }
  a { color: #1f4fa0; }
</style></head><body>${body}</body></html>`;
}

const verdictOf = (verdict: string) =>
  verdict === 'complete' ? '<span class="ok">Complete</span>' : '<span class="bad">Discrepancies</span>';

/** The page of one window's latest run. */
export function windowPage(run: ReconciliationRun, links: { index: string; json: string }): string {
  const { report } = run;
  const rows = report.partners
    .map((p) => {
      const found = DISCREPANCY_CLASSES.filter((c) => (p.discrepancies[c] ?? 0) > 0)
        .map((c) => `${p.discrepancies[c]} ${escape(CLASS_TEXT[c].toLowerCase())}`)
        .join('<br>');
      return `<tr><td>${escape(p.partnerId)}</td><td>${escape(p.workflow)}</td>
<td class="n">${p.received ?? '–'}</td><td class="n">${p.orders}</td><td class="n">${p.expectedInOdoo}</td>
<td class="n">${p.matchedInOdoo}</td><td class="n">${money(p.amount)}</td><td class="n">${money(p.odooAmount)}</td>
<td>${verdictOf(p.verdict)}</td><td>${found || '–'}</td></tr>`;
    })
    .join('\n');
  const sections = DISCREPANCY_CLASSES.map((c) => {
    const items = report.discrepancies.filter((d) => d.class === c);
    if (items.length === 0) return '';
    const listed = items
      .slice(0, LISTED)
      .map(
        (d) =>
          `<tr><td>${escape(d.partnerId)}</td><td>${escape(d.orderId ?? '–')}</td><td>${escape(d.odooIds.join(', ') || '–')}</td><td>${escape(d.detail)}</td></tr>`,
      )
      .join('\n');
    const more =
      items.length > LISTED ? `<p class="muted">${items.length - LISTED} more in the JSON report.</p>` : '';
    return `<h2>${escape(CLASS_TEXT[c])} (${items.length})</h2>
<table><thead><tr><th>Partner</th><th>Order</th><th>Odoo sale orders</th><th>What differs</th></tr></thead>
<tbody>${listed}</tbody></table>${more}`;
  }).join('\n');
  return layout(
    `Completeness ${run.windowStart}`,
    `<p class="muted"><a href="${escape(links.index)}">All windows</a> · <a href="${escape(links.json)}">JSON</a></p>
<h1>Order completeness: ${escape(run.windowStart)} to ${escape(run.windowEnd)}</h1>
<p>${verdictOf(report.verdict)} · reconciled ${escape(run.computedAt)} · proof <code>${escape(report.checksum)}</code></p>
<p class="muted">Accepted by the gateway, final on the platform, and in Odoo exactly once with the same quantities and amounts.
Amounts are untaxed.</p>
<table><thead><tr><th>Partner</th><th>Workflow</th><th class="n">Accepted</th><th class="n">Orders</th>
<th class="n">Due in Odoo</th><th class="n">Matched</th><th class="n">Amount</th><th class="n">Amount in Odoo</th>
<th>Verdict</th><th>Discrepancies</th></tr></thead><tbody>${rows || '<tr><td colspan="10">No orders in this window.</td></tr>'}</tbody></table>
${sections}`,
  );
}

/** The list of windows, newest first, each with its latest verdict. */
export function indexPage(
  runs: readonly ReconciliationRun[],
  href: (run: ReconciliationRun) => string,
): string {
  const rows = runs
    .map((run) => {
      const count = run.report.discrepancies.length;
      return `<tr><td><a href="${escape(href(run))}">${escape(run.windowStart)}</a></td><td>${verdictOf(run.report.verdict)}</td>
<td class="n">${run.report.partners.reduce((n, p) => n + p.orders, 0)}</td><td class="n">${count}</td><td>${escape(run.computedAt)}</td></tr>`;
    })
    .join('\n');
  return layout(
    'Order completeness',
    `<h1>Order completeness</h1>
<p class="muted">Each window's latest reconciliation: what partners sent, what the platform decided and what Odoo holds.</p>
<table><thead><tr><th>Window</th><th>Verdict</th><th class="n">Orders</th><th class="n">Discrepancies</th><th>Reconciled</th></tr></thead>
<tbody>${rows || '<tr><td colspan="5">No window reconciled yet.</td></tr>'}</tbody></table>`,
  );
}
