// Demo invoices and payments (issue 12), played from tools/demo/traffic.ts: now and then accounting
// invoices the sale orders this run confirmed (account.move out_invoice created from each order's lines and
// posted, as an Odoo user would, with the write key the demo holds anyway); once invoices has read them
// (INVOICES_POLL_EVERY), the bank (harbor-bank) posts a camt.053 statement through the gateway that pays
// most of them by reference, one only in part, and carries one credit nobody can match. invoices matches
// the entries, pays Odoo through the odoo-writer and raises an exception for the stranger; the summary line
// reads the invoices' payment_state back from Odoo and the entries' outcome from finance.state.
// Environment: ODOO_URL, ODOO_DB, ODOO_API_KEY (write), KAFKA_BROKERS, SCHEMA_REGISTRY_URL, and the
// `harbor-bank` entry of TW_DEMO_KEYS.
import { type FinanceState, FinanceStatus, FinanceSubject, TOPICS } from '@tradewind/contracts';
import { AvroSerde, createKafka, startNewGroupAt } from '@tradewind/messaging';
import { Command, createOdooClient } from '@tradewind/odoo-client';
import { buildCamt053, type Camt053EntryFixture, fromMinorUnits } from '@tradewind/partner-documents';
import type { PartnerClient } from '@tradewind/partner-testing';

const BANK = 'harbor-bank';
/** Invoices of a run the bank waits for before it pays them in one statement. */
const PER_STATEMENT = 4;
/** invoices reads Odoo every INVOICES_POLL_EVERY (3 s in the demo): the bank pays after it has. */
const BOOKED_AFTER_MS = Number(process.env.DEMO_FINANCE_SETTLE_AFTER_MS ?? 12_000);

export interface FinanceDemoOptions {
  readonly client: PartnerClient;
  readonly odoo: { readonly url: string; readonly db: string; readonly apiKey: string };
  readonly kafkaBrokers: readonly string[];
  readonly registryUrl: string;
  readonly run: string;
}

export interface PostedInvoice {
  readonly id: number;
  readonly name: string;
  readonly totalMinor: number;
  readonly customer: string;
  readonly postedAt: number;
}

export interface FinanceDemo {
  turn: () => Promise<void>;
  summaryLine: () => Promise<string>;
  stop: () => Promise<void>;
}

export async function startFinanceDemo(options: FinanceDemoOptions): Promise<FinanceDemo> {
  const odoo = createOdooClient({ ...options.odoo, apiFlavor: 'json2' });
  const prefix = `HB-${options.run}-`;
  const entries = new Map<string, FinanceState['status']>();
  const kafka = createKafka({
    brokers: [...options.kafkaBrokers],
    clientId: `tradewind-demo-fin-${options.run}`,
  });
  const serde = new AvroSerde({ registryUrl: options.registryUrl });
  const groupId = `tradewind-demo-finance-${options.run}`;
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.financeState });
  await startNewGroupAt(kafka, consumer, groupId, TOPICS.financeState, Date.now());
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.value === null) return;
      const { value } = await serde.decode<FinanceState>(message.value);
      if (value.subject !== FinanceSubject.SettlementEntry || !value.reference.startsWith(prefix)) return;
      if (entries.get(value.reference) !== value.status) {
        console.log(
          `   finance: ${value.reference} ${value.status}${value.invoices.length > 0 ? ` → ${value.invoices.join(', ')}` : ''}${value.rule ? ` (${value.rule})` : ''}`,
        );
      }
      entries.set(value.reference, value.status);
    },
  });

  const [tax] = await odoo.searchRead(
    'ir.model.data',
    [
      ['module', '=', 'tradewind'],
      ['name', '=', 'tax_sale_10'],
    ],
    { fields: ['res_id'] },
  );
  const taxId = tax === undefined ? undefined : Number(tax.res_id);
  const invoiced = new Set<number>();
  const posted: PostedInvoice[] = [];
  const waiting: PostedInvoice[] = [];
  let statements = 0;

  async function invoice(): Promise<void> {
    const fresh = await invoiceConfirmedOrders(odoo, options.run, invoiced, taxId);
    if (fresh.length === 0) return;
    posted.push(...fresh);
    waiting.push(...fresh);
    console.log(`→ accounting posted ${fresh.map((m) => m.name).join(', ')} in Odoo`);
  }

  async function postStatement(batch: readonly PostedInvoice[]): Promise<void> {
    for (const paid of batch) waiting.splice(waiting.indexOf(paid), 1);
    const statementId = `${prefix}${++statements}`;
    const result = await options.client.submit(
      {
        partnerId: BANK,
        documentType: 'bank-statement',
        contentType: 'application/xml',
        body: bankStatementPaying(statementId, batch),
      },
      { idempotencyKey: statementId },
    );
    console.log(
      `→ ${BANK} camt.053 ${statementId}: ${batch.length + 1} entries (${batch.length - 1} in full, 1 partial, 1 unknown): ${result.status}`,
    );
  }

  async function turn(): Promise<void> {
    // Only invoices the book has read: one paid before would be an unmatched credit.
    const booked = waiting.filter((w) => Date.now() - w.postedAt >= BOOKED_AFTER_MS);
    if (booked.length >= 2) {
      await postStatement(booked);
      return;
    }
    if (waiting.length < PER_STATEMENT) await invoice();
  }

  async function summaryLine(): Promise<string> {
    const states =
      posted.length === 0
        ? []
        : await odoo
            .read(
              'account.move',
              posted.map((p) => p.id),
              ['payment_state'],
            )
            .catch(() => []);
    const paid = states.filter((s) => ['paid', 'in_payment'].includes(String(s.payment_state))).length;
    const partial = states.filter((s) => s.payment_state === 'partial').length;
    const outcomes = [...entries.values()];
    const exceptions = outcomes.filter(
      (s) => s === FinanceStatus.Unmatched || s === FinanceStatus.Ambiguous,
    ).length;
    return `   finance: invoices posted ${posted.length}; paid in Odoo ${paid} (partial ${partial}); statements ${statements}, entries matched ${outcomes.length - exceptions}, exceptions ${exceptions}`;
  }

  return { turn, summaryLine, stop: () => consumer.disconnect() };
}

type Odoo = ReturnType<typeof createOdooClient>;

/**
 * Invoices the run's confirmed sale orders not invoiced yet (at most PER_STATEMENT), as accounting would:
 * one out_invoice per order with its lines (and the sales tax), posted; Odoo names them on posting.
 */
export async function invoiceConfirmedOrders(
  odoo: Odoo,
  run: string,
  invoiced: Set<number>,
  taxId: number | undefined,
): Promise<PostedInvoice[]> {
  const orders = await odoo.searchRead(
    'sale.order',
    [
      ['client_order_ref', 'ilike', `-${run}-`],
      ['state', '=', 'sale'],
    ],
    { fields: ['name', 'partner_id'] },
  );
  const vals: Record<string, unknown>[] = [];
  for (const order of orders.filter((o) => !invoiced.has(o.id)).slice(0, PER_STATEMENT)) {
    invoiced.add(order.id);
    const lines = await odoo.searchRead('sale.order.line', [['order_id', '=', order.id]], {
      fields: ['product_id', 'product_uom_qty', 'price_unit', 'name'],
    });
    const invoiceLines = lines
      .filter((l) => Array.isArray(l.product_id) && Number(l.product_uom_qty) > 0)
      .map((l) =>
        Command.create({
          product_id: (l.product_id as [number, string])[0],
          name: String(l.name),
          quantity: Number(l.product_uom_qty),
          price_unit: Number(l.price_unit),
          ...(taxId === undefined ? {} : { tax_ids: [Command.set([taxId])] }),
        }),
      );
    if (invoiceLines.length === 0) continue;
    vals.push({
      move_type: 'out_invoice',
      partner_id: (order.partner_id as [number, string])[0],
      invoice_date: new Date().toISOString().slice(0, 10),
      invoice_origin: String(order.name),
      invoice_line_ids: invoiceLines,
    });
  }
  if (vals.length === 0) return [];
  const ids = await odoo.create('account.move', vals);
  await odoo.callAction('account.move', 'action_post', ids);
  const moves = await odoo.read('account.move', ids, ['name', 'amount_total', 'partner_id']);
  return moves.map((move) => ({
    id: move.id,
    name: String(move.name),
    totalMinor: Math.round(Number(move.amount_total) * 100),
    customer: (move.partner_id as [number, string])[1],
    postedAt: Date.now(),
  }));
}

/**
 * The bank's camt.053 for these invoices: all but the last paid in full, by the invoice number in the
 * remittance line or as the structured creditor reference, the last paid half; plus a credit nobody can match.
 */
export function bankStatementPaying(statementId: string, invoices: readonly PostedInvoice[]): string {
  const entries: Camt053EntryFixture[] = invoices.map((invoice, i) => {
    const partial = i === invoices.length - 1;
    return {
      bankRef: `${statementId}-${i + 1}`,
      amount: fromMinorUnits(partial ? Math.floor(invoice.totalMinor / 2) : invoice.totalMinor, 'USD'),
      debtorName: invoice.customer,
      endToEndId: `E2E-${statementId}-${i + 1}`,
      ...(i % 2 === 0 ? { remittance: [`Payment ${invoice.name}`] } : { creditorRef: invoice.name }),
    };
  });
  entries.push({
    bankRef: `${statementId}-${invoices.length + 1}`,
    amount: '13.37',
    debtorName: 'Unknown Payer Ltd',
    remittance: ['thank you'],
  });
  return buildCamt053({ statementId, version: '08', entries });
}
