// Accounting as Odoo 17/18 has it (addons/account): res.currency, account.tax, account.move /
// account.move.line (invoices, credit notes, bills: action_post, button_draft, button_cancel),
// account.payment (action_post reconciles it with its invoices) and the account.payment.register wizard
// (created with context active_model/active_ids, action_create_payments: partial payments, one payment
// for several invoices with group_payment, write-off of a difference). Money is summed as decimals and
// rounded to the currency's precision, never as float sums; each line's tax is rounded (Odoo's default
// `round_per_line`). Messages are Odoo's.
import Decimal from 'decimal.js';

import type { Env } from '../orm/env';
import { pad } from '../orm/env';
import { asText, type ModelDef, type Row } from '../orm/model.types';
import { userError } from '../orm/python-error';
import {
  always,
  boolean,
  char,
  date,
  float,
  integer,
  many2many,
  many2one,
  one2many,
  selection,
  text,
} from './field.builders';

const MOVE_PREFIX: Record<string, string> = {
  entry: 'MISC',
  out_invoice: 'INV',
  out_refund: 'RINV',
  in_invoice: 'BILL',
  in_refund: 'RBILL',
};

const SALE_TYPES = new Set(['out_invoice', 'out_refund']);
const PURCHASE_TYPES = new Set(['in_invoice', 'in_refund']);

/** Money rounded half-up to cents (every seeded currency has rounding 0.01), as the number Odoo returns. */
const money = (value: Decimal.Value): number => new Decimal(value).toDecimalPlaces(2).toNumber();

function lineBase(line: Row): Decimal {
  return new Decimal(Number(line.quantity ?? 0))
    .mul(Number(line.price_unit ?? 0))
    .mul(new Decimal(1).minus(new Decimal(Number(line.discount ?? 0)).div(100)))
    .toDecimalPlaces(2);
}

/** One line's taxes: [tax id, its base, its amount], each amount rounded (round_per_line). */
function lineTaxes(line: Row, env: Env): { taxId: number; base: Decimal; amount: Decimal }[] {
  const base = lineBase(line);
  const result: { taxId: number; base: Decimal; amount: Decimal }[] = [];
  for (const taxId of (line.tax_ids as number[] | undefined) ?? []) {
    const tax = env.store.get('account.tax', taxId);
    if (!tax) continue;
    const rate = new Decimal(Number(tax.amount ?? 0));
    switch (tax.amount_type) {
      case 'fixed':
        result.push({ taxId, base, amount: rate.mul(Number(line.quantity ?? 0)).toDecimalPlaces(2) });
        break;
      case 'division':
        // price_include false: base / (1 - rate) - base
        result.push({
          taxId,
          base,
          amount: base
            .div(new Decimal(1).minus(rate.div(100)))
            .minus(base)
            .toDecimalPlaces(2),
        });
        break;
      default:
        result.push({ taxId, base, amount: base.mul(rate).div(100).toDecimalPlaces(2) });
    }
  }
  return result;
}

const lineTax = (line: Row, env: Env): Decimal =>
  lineTaxes(line, env).reduce((sum, tax) => sum.plus(tax.amount), new Decimal(0));

function moveLines(env: Env, moveId: number): Row[] {
  return env.store
    .referencing('account.move.line', 'move_id', moveId)
    .map((id) => env.store.get('account.move.line', id)!);
}

function untaxed(env: Env, moveId: number): Decimal {
  return moveLines(env, moveId).reduce((sum, line) => sum.plus(lineBase(line)), new Decimal(0));
}

function taxTotal(env: Env, moveId: number): Decimal {
  return moveLines(env, moveId).reduce((sum, line) => sum.plus(lineTax(line, env)), new Decimal(0));
}

const moveTotal = (env: Env, moveId: number): Decimal => untaxed(env, moveId).plus(taxTotal(env, moveId));

/**
 * What a posted payment settled, fixed when it was posted (Odoo's account.partial.reconcile): per
 * invoice, the amount of the payment and the amount written off. Kept on the payment's row, not a field.
 */
interface Reconciliation {
  moveId: number;
  amount: string;
  writeoff: string;
}

const reconciliationsOf = (payment: Row): Reconciliation[] =>
  (payment._reconciled as Reconciliation[] | undefined) ?? [];

function settledOn(env: Env, moveId: number): { paid: Decimal; writeoff: Decimal } {
  let paid = new Decimal(0);
  let writeoff = new Decimal(0);
  for (const payment of env.store.rows('account.payment')) {
    if (payment.state !== 'posted') continue;
    for (const entry of reconciliationsOf(payment)) {
      if (entry.moveId !== moveId) continue;
      paid = paid.plus(entry.amount);
      writeoff = writeoff.plus(entry.writeoff);
    }
  }
  return { paid, writeoff };
}

function residualOf(env: Env, row: Row): Decimal {
  if (row.state !== 'posted' || row.move_type === 'entry') return new Decimal(0);
  const { paid, writeoff } = settledOn(env, row.id);
  return Decimal.max(0, moveTotal(env, row.id).minus(paid).minus(writeoff));
}

function paymentStateOf(env: Env, row: Row): string {
  if (row.state !== 'posted' || row.move_type === 'entry') return 'not_paid';
  const total = moveTotal(env, row.id);
  const { paid, writeoff } = settledOn(env, row.id);
  if (paid.isZero() && writeoff.isZero()) return 'not_paid';
  return total.minus(paid).minus(writeoff).lte(0) ? 'paid' : 'partial';
}

/** The company currency: USD in the seed (base.USD), else the first active currency. */
function companyCurrency(env: Env): number | null {
  const usd = env.store.resolveExternalId('base.USD');
  if (usd) return usd.resId;
  const [first] = env.store.rows('res.currency').filter((row) => row.active !== false);
  return first?.id ?? null;
}

export const resCurrency: ModelDef = {
  name: 'res.currency',
  description: 'Currency',
  order: 'active desc, name',
  fields: {
    name: char('Currency', { required: true }),
    full_name: char('Name'),
    symbol: char('Symbol', { required: true }),
    rounding: float('Rounding Factor', { default: always(0.01) }),
    decimal_places: {
      type: 'integer',
      string: 'Decimal Places',
      compute: (row) => Math.max(0, Math.ceil(Math.log10(1 / Number(row.rounding || 0.01)))),
    },
    position: selection(
      'Symbol Position',
      [
        ['after', 'After Amount'],
        ['before', 'Before Amount'],
      ],
      { default: always('after') },
    ),
    active: boolean('Active', { default: always(true) }),
  },
};

export const accountTax: ModelDef = {
  name: 'account.tax',
  description: 'Tax',
  order: 'sequence,id',
  fields: {
    name: char('Tax Name', { required: true }),
    amount_type: selection(
      'Tax Computation',
      [
        ['group', 'Group of Taxes'],
        ['fixed', 'Fixed'],
        ['percent', 'Percentage'],
        ['division', 'Percentage Tax Included'],
      ],
      { required: true, default: always('percent') },
    ),
    amount: float('Amount', { required: true, default: always(0) }),
    type_tax_use: selection(
      'Tax Type',
      [
        ['sale', 'Sales'],
        ['purchase', 'Purchases'],
        ['none', 'None'],
      ],
      { required: true, default: always('sale') },
    ),
    price_include: boolean('Included in Price', { default: always(false) }),
    description: char('Label on Invoices'),
    sequence: integer('Sequence', { default: always(1) }),
    active: boolean('Active', { default: always(true) }),
  },
  beforeWrite: (env, ids, vals) => {
    if (vals.price_include === true) {
      throw userError('Taxes included in the price are not supported by this database (price_include).');
    }
    return vals;
  },
  createOne: (env, vals, create) => {
    // Tax-included prices change how every line's base is computed; the integrations never use them.
    if (vals.price_include === true) {
      throw userError('Taxes included in the price are not supported by this database (price_include).');
    }
    return create(vals);
  },
};

const MOVE_LINES = { relation: 'account.move.line', inverse: 'move_id' };

function postMove(env: Env, id: number): void {
  const move = env.row('account.move', id);
  if (move.state === 'posted') {
    throw userError(`The entry ${asText(move.name)} (id ${id}) is already posted.`);
  }
  const type = asText(move.move_type);
  if (SALE_TYPES.has(type) && !move.partner_id) {
    throw userError("The field 'Customer' is required, please complete it to validate the Customer Invoice.");
  }
  if (PURCHASE_TYPES.has(type) && !move.partner_id) {
    throw userError("The field 'Vendor' is required, please complete it to validate the Vendor Bill.");
  }
  if (env.store.referencing('account.move.line', 'move_id', id).length === 0) {
    throw userError('You need to add a line before posting.');
  }
  if (type !== 'entry' && moveTotal(env, id).lt(0)) {
    throw userError(
      'You cannot validate an invoice with a negative total amount. You should create a credit note ' +
        'instead. Use the action menu to transform it into a credit note or refund.',
    );
  }
  // _post: a vendor bill's date is the vendor's, never guessed (a customer invoice takes today's).
  if (PURCHASE_TYPES.has(type) && !move.invoice_date) {
    throw userError('The Bill/Refund date is required to validate this document.');
  }
  const isInvoice = type !== 'entry';
  const invoiceDate = isInvoice ? asText(move.invoice_date || env.today()) : null;
  const year = (invoiceDate ?? asText(move.date)).slice(0, 4);
  const name =
    move.name && move.name !== '/'
      ? move.name
      : `${MOVE_PREFIX[type]}/${year}/${pad(env.store.nextNumber(`account.move.${type}.${year}`), 5)}`;
  env.write('account.move', [id], {
    state: 'posted',
    name,
    ...(isInvoice
      ? {
          invoice_date: invoiceDate,
          invoice_date_due: move.invoice_date_due || invoiceDate,
          ...(move.payment_reference ? {} : { payment_reference: name }),
        }
      : {}),
  });
}

export const accountMove: ModelDef = {
  name: 'account.move',
  description: 'Journal Entry',
  order: 'date desc, name desc, id desc',
  fields: {
    name: char('Number', { default: always('/') }),
    ref: char('Reference'),
    move_type: selection(
      'Type',
      [
        ['entry', 'Journal Entry'],
        ['out_invoice', 'Customer Invoice'],
        ['out_refund', 'Customer Credit Note'],
        ['in_invoice', 'Vendor Bill'],
        ['in_refund', 'Vendor Credit Note'],
      ],
      { required: true, default: always('entry') },
    ),
    state: selection(
      'Status',
      [
        ['draft', 'Draft'],
        ['posted', 'Posted'],
        ['cancel', 'Cancelled'],
      ],
      { required: true, default: always('draft') },
    ),
    partner_id: many2one('res.partner', 'Partner'),
    currency_id: many2one('res.currency', 'Currency', {
      required: true,
      default: ({ env }) => companyCurrency(env),
    }),
    date: date('Date', { required: true, default: ({ env }) => env.today() }),
    invoice_date: date('Invoice/Bill Date'),
    invoice_date_due: date('Due Date'),
    invoice_origin: char('Origin'),
    payment_reference: char('Payment Reference'),
    reversed_entry_id: many2one('account.move', 'Reversal of'),
    narration: text('Terms and Conditions'),
    line_ids: one2many(MOVE_LINES.relation, MOVE_LINES.inverse, 'Journal Items'),
    invoice_line_ids: one2many(MOVE_LINES.relation, MOVE_LINES.inverse, 'Invoice lines'),
    amount_untaxed: {
      type: 'monetary',
      string: 'Untaxed Amount',
      compute: (row, env) => money(untaxed(env, row.id)),
    },
    amount_tax: { type: 'monetary', string: 'Tax', compute: (row, env) => money(taxTotal(env, row.id)) },
    amount_total: { type: 'monetary', string: 'Total', compute: (row, env) => money(moveTotal(env, row.id)) },
    amount_residual: {
      type: 'monetary',
      string: 'Amount Due',
      compute: (row, env) => money(residualOf(env, row)),
    },
    payment_state: {
      type: 'selection',
      string: 'Payment Status',
      selection: [
        ['not_paid', 'Not Paid'],
        ['in_payment', 'In Payment'],
        ['paid', 'Paid'],
        ['partial', 'Partially Paid'],
        ['reversed', 'Reversed'],
        ['blocked', 'Blocked'],
        ['invoicing_legacy', 'Invoicing App Legacy'],
      ],
      compute: (row, env) => paymentStateOf(env, row),
    },
  },
  displayName: (row) => (row.name && row.name !== '/' ? asText(row.name) : 'Draft'),
  beforeWrite: (env, ids, vals) => {
    // Odoo's _check_fiscal_lock_dates / write: a posted entry's amounts and partner are frozen.
    const frozen = ['partner_id', 'currency_id', 'invoice_line_ids', 'line_ids', 'move_type'];
    if (frozen.some((field) => field in vals)) {
      for (const id of ids) {
        const move = env.store.get('account.move', id);
        if (move?.state === 'posted' && vals.state === undefined) {
          throw userError('You cannot modify a posted entry of this journal because it is in strict mode.');
        }
      }
    }
    return vals;
  },
  beforeUnlink: (env, ids) => {
    if (ids.some((id) => env.row('account.move', id).state === 'posted')) {
      throw userError('You cannot delete an entry which has been posted once.');
    }
  },
  actions: {
    action_post: (env, ids) => {
      for (const id of ids) postMove(env, id);
      // Odoo's action_post returns False
      return false;
    },
    button_draft: (env, ids) => {
      for (const id of ids) {
        if (!settledOn(env, id).paid.isZero()) {
          throw userError(
            'You cannot reset to draft a journal entry that is reconciled with a payment; ' +
              'unreconcile it first.',
          );
        }
      }
      env.write('account.move', ids, { state: 'draft' });
      return true;
    },
    button_cancel: (env, ids) => {
      env.write('account.move', ids, { state: 'cancel' });
      return true;
    },
  },
};

export const accountMoveLine: ModelDef = {
  name: 'account.move.line',
  description: 'Journal Item',
  order: 'date desc, move_name desc, id',
  fields: {
    move_id: many2one('account.move', 'Journal Entry', { required: true, ondelete: 'cascade' }),
    move_name: {
      type: 'char',
      string: 'Number',
      compute: (row, env) => env.store.get('account.move', row.move_id as number)?.name ?? false,
    },
    date: {
      type: 'date',
      string: 'Date',
      compute: (row, env) => env.store.get('account.move', row.move_id as number)?.date ?? false,
    },
    product_id: many2one('product.product', 'Product'),
    // purchase's account.move.line: the order line a bill line bills (its qty_invoiced counts it).
    purchase_line_id: many2one('purchase.order.line', 'Purchase Order Line', { ondelete: 'set null' }),
    name: char('Label', {
      default: ({ env, vals }) =>
        typeof vals.product_id === 'number' ? env.displayName('product.product', vals.product_id) : null,
    }),
    quantity: float('Quantity', { default: always(1) }),
    price_unit: float('Unit Price', {
      default: ({ env, vals }) =>
        typeof vals.product_id === 'number'
          ? Number(env.store.get('product.product', vals.product_id)?.list_price ?? 0)
          : 0,
    }),
    discount: float('Discount (%)', { default: always(0) }),
    tax_ids: many2many('account.tax', 'Taxes'),
    price_subtotal: { type: 'monetary', string: 'Subtotal', compute: (row) => money(lineBase(row)) },
    price_total: {
      type: 'monetary',
      string: 'Total',
      compute: (row, env) => money(lineBase(row).plus(lineTax(row, env))),
    },
    currency_id: {
      type: 'many2one',
      string: 'Currency',
      relation: 'res.currency',
      compute: (row, env) => env.store.get('account.move', row.move_id as number)?.currency_id ?? null,
    },
    partner_id: {
      type: 'many2one',
      string: 'Partner',
      relation: 'res.partner',
      compute: (row, env) => env.store.get('account.move', row.move_id as number)?.partner_id ?? null,
    },
    parent_state: {
      type: 'selection',
      string: 'Status',
      selection: [
        ['draft', 'Draft'],
        ['posted', 'Posted'],
        ['cancel', 'Cancelled'],
      ],
      compute: (row, env) => env.store.get('account.move', row.move_id as number)?.state ?? false,
    },
  },
};

/** inbound for what a customer pays (invoice) or a vendor refunds; outbound otherwise. */
const paymentTypeFor = (moveType: string): 'inbound' | 'outbound' =>
  moveType === 'out_invoice' || moveType === 'in_refund' ? 'inbound' : 'outbound';

/**
 * Applies a posted payment to its invoices, oldest due first (Odoo reconciles by maturity): each gets
 * at most its residual; `writeoff`, when set, closes what the payment leaves open on them.
 */
function reconcile(env: Env, paymentId: number, writeoff: Decimal | null): void {
  const payment = env.row('account.payment', paymentId);
  const invoiceIds = [...((payment.invoice_ids as number[] | undefined) ?? [])];
  const invoices = invoiceIds
    .map((id) => env.store.get('account.move', id))
    .filter((row): row is Row => row !== undefined && row.state === 'posted')
    .sort(
      (a, b) =>
        asText(a.invoice_date_due).localeCompare(asText(b.invoice_date_due)) || Number(a.id) - Number(b.id),
    );
  let remaining = new Decimal(Number(payment.amount ?? 0));
  let writeoffLeft = writeoff ?? new Decimal(0);
  const entries: Reconciliation[] = [];
  for (const invoice of invoices) {
    const due = residualOf(env, invoice);
    const applied = Decimal.min(due, remaining);
    remaining = remaining.minus(applied);
    const written = Decimal.min(due.minus(applied), writeoffLeft);
    writeoffLeft = writeoffLeft.minus(written);
    if (applied.gt(0) || written.gt(0)) {
      entries.push({ moveId: invoice.id, amount: applied.toString(), writeoff: written.toString() });
    }
  }
  env.store.put('account.payment', { ...env.row('account.payment', paymentId), _reconciled: entries });
  // amount_residual and payment_state are stored in Odoo: their recomputation updates write_date
  if (entries.length > 0) {
    env.sudo().write(
      'account.move',
      entries.map((entry) => entry.moveId),
      {},
    );
  }
}

function postPayment(env: Env, id: number, writeoff: Decimal | null = null): void {
  const payment = env.row('account.payment', id);
  if (payment.state === 'posted') {
    throw userError(`The entry ${asText(payment.name)} (id ${id}) is already posted.`);
  }
  if (new Decimal(Number(payment.amount ?? 0)).lte(0) && !writeoff) {
    throw userError('The amount of a payment must be strictly positive.');
  }
  const year = asText(payment.date).slice(0, 4);
  const name =
    payment.name && payment.name !== '/'
      ? payment.name
      : `PBNK1/${year}/${pad(env.store.nextNumber(`account.payment.${year}`), 5)}`;
  env.write('account.payment', [id], { state: 'posted', name });
  reconcile(env, id, writeoff);
}

export const accountPayment: ModelDef = {
  name: 'account.payment',
  description: 'Payments',
  order: 'date desc, name desc',
  fields: {
    name: char('Number', { default: always('/') }),
    partner_id: many2one('res.partner', 'Customer/Vendor'),
    amount: float('Amount', { default: always(0) }),
    currency_id: many2one('res.currency', 'Currency', { default: ({ env }) => companyCurrency(env) }),
    payment_type: selection(
      'Payment Type',
      [
        ['outbound', 'Send'],
        ['inbound', 'Receive'],
      ],
      { required: true, default: always('inbound') },
    ),
    partner_type: selection(
      'Partner Type',
      [
        ['customer', 'Customer'],
        ['supplier', 'Vendor'],
      ],
      { default: always('customer') },
    ),
    date: date('Date', { required: true, default: ({ env }) => env.today() }),
    memo: char('Memo'),
    payment_reference: char('Payment Reference'),
    state: selection(
      'Status',
      [
        ['draft', 'Draft'],
        ['posted', 'Posted'],
        ['cancel', 'Cancelled'],
      ],
      { required: true, default: always('draft') },
    ),
    invoice_ids: many2many('account.move', 'Invoices'),
    reconciled_invoice_ids: {
      type: 'many2many',
      string: 'Reconciled Invoices',
      relation: 'account.move',
      compute: (row) => reconciliationsOf(row).map((entry) => entry.moveId),
    },
    is_reconciled: {
      type: 'boolean',
      string: 'Is Reconciled',
      compute: (row) => reconciliationsOf(row).length > 0,
    },
  },
  displayName: (row) => (row.name && row.name !== '/' ? asText(row.name) : 'Draft Payment'),
  actions: {
    action_post: (env, ids) => {
      for (const id of ids) postPayment(env, id);
      return true;
    },
    action_draft: (env, ids) => {
      for (const id of ids) {
        env.write('account.payment', [id], { state: 'draft' });
        env.store.put('account.payment', { ...env.row('account.payment', id), _reconciled: [] });
      }
      return true;
    },
    action_cancel: (env, ids) => {
      for (const id of ids) {
        env.write('account.payment', [id], { state: 'cancel' });
        env.store.put('account.payment', { ...env.row('account.payment', id), _reconciled: [] });
      }
      return true;
    },
  },
};

/** The invoices a wizard pays: those of its journal items, in order. */
function wizardInvoices(env: Env, wizard: Row): Row[] {
  const ids = new Set<number>();
  for (const lineId of (wizard.line_ids as number[] | undefined) ?? []) {
    const line = env.store.get('account.move.line', lineId);
    if (line) ids.add(line.move_id as number);
  }
  return [...ids].map((id) => env.row('account.move', id));
}

const wizardSource = (env: Env, wizard: Row): Decimal =>
  wizardInvoices(env, wizard).reduce((sum, move) => sum.plus(residualOf(env, move)), new Decimal(0));

/** Payments a wizard makes: one per invoice, or one per partner and direction with group_payment. */
function wizardBatches(env: Env, wizard: Row): Row[][] {
  const invoices = wizardInvoices(env, wizard).filter((move) => residualOf(env, move).gt(0));
  if (!wizard.group_payment) return invoices.map((move) => [move]);
  const batches = new Map<string, Row[]>();
  for (const move of invoices) {
    const key = `${asText(move.partner_id)}|${paymentTypeFor(asText(move.move_type))}|${asText(move.currency_id)}`;
    batches.set(key, [...(batches.get(key) ?? []), move]);
  }
  return [...batches.values()];
}

export const accountPaymentRegister: ModelDef = {
  name: 'account.payment.register',
  description: 'Pay',
  fields: {
    payment_date: date('Payment Date', { required: true, default: ({ env }) => env.today() }),
    amount: float('Amount'),
    communication: char('Memo'),
    group_payment: boolean('Group Payments', { default: always(false) }),
    currency_id: many2one('res.currency', 'Currency'),
    partner_id: many2one('res.partner', 'Customer/Vendor'),
    payment_type: selection('Payment Type', [
      ['outbound', 'Send'],
      ['inbound', 'Receive'],
    ]),
    partner_type: selection('Partner Type', [
      ['customer', 'Customer'],
      ['supplier', 'Vendor'],
    ]),
    line_ids: many2many('account.move.line', 'Journal items'),
    source_amount: {
      type: 'monetary',
      string: 'Amount to Pay (company currency)',
      compute: (row, env) => money(wizardSource(env, row)),
    },
    payment_difference: {
      type: 'monetary',
      string: 'Payment Difference',
      compute: (row, env) =>
        money(wizardSource(env, row).minus(row.amount === null ? 0 : Number(row.amount ?? 0))),
    },
    payment_difference_handling: selection(
      'Payment Difference Handling',
      [
        ['open', 'Keep open'],
        ['reconcile', 'Mark as fully paid'],
      ],
      { default: always('open') },
    ),
    writeoff_label: char('Label', { default: always('Write-Off') }),
    can_group_payments: {
      type: 'boolean',
      string: 'Can Group Payments',
      compute: (row, env) => wizardInvoices(env, row).length > 1,
    },
  },
  createOne: (env, vals, create) => {
    // default_get: the journal items to pay come from the records the wizard was opened on
    const activeModel = env.context.active_model;
    const activeIds = Array.isArray(env.context.active_ids) ? (env.context.active_ids as number[]) : [];
    if (activeModel !== 'account.move' && activeModel !== 'account.move.line') {
      throw userError(
        'The register payment wizard should only be called on account.move or account.move.line records.',
      );
    }
    const moves =
      activeModel === 'account.move'
        ? activeIds.map((id) => env.row('account.move', id))
        : [...new Set(activeIds.map((id) => env.row('account.move.line', id).move_id as number))].map((id) =>
            env.row('account.move', id),
          );
    if (moves.length === 0 || moves.some((move) => move.state !== 'posted')) {
      throw userError('You can only register payment for posted journal entries.');
    }
    if (moves.every((move) => residualOf(env, move).lte(0))) {
      throw userError(
        "You can't register a payment because there is nothing left to pay on the selected journal items.",
      );
    }
    const directions = new Set(moves.map((move) => paymentTypeFor(asText(move.move_type))));
    if (directions.size > 1) {
      throw userError(
        "You can't register payments for journal items being either all inbound, either all outbound.",
      );
    }
    const lineIds = moves.flatMap((move) => env.store.referencing('account.move.line', 'move_id', move.id));
    const [first] = moves;
    const type = paymentTypeFor(asText(first.move_type));
    const source = moves.reduce((sum, move) => sum.plus(residualOf(env, move)), new Decimal(0));
    return create({
      partner_id: first.partner_id ?? false,
      currency_id: first.currency_id ?? false,
      payment_type: type,
      partner_type: SALE_TYPES.has(asText(first.move_type)) ? 'customer' : 'supplier',
      amount: money(source),
      ...vals,
      line_ids: [[6, 0, lineIds]],
    });
  },
  actions: {
    action_create_payments: (env, ids) => {
      const created: number[] = [];
      for (const id of ids) {
        const wizard = env.row('account.payment.register', id);
        const batches = wizardBatches(env, wizard);
        // The amount is the user's only when the wizard makes one payment (Odoo's can_edit_wizard)
        const editable = batches.length === 1;
        for (const batch of batches) {
          const due = batch.reduce((sum, move) => sum.plus(residualOf(env, move)), new Decimal(0));
          const amount = editable ? new Decimal(Number(wizard.amount ?? 0)) : due;
          if (amount.lte(0)) throw userError('The amount of a payment must be strictly positive.');
          const writeoff =
            editable && wizard.payment_difference_handling === 'reconcile' && amount.lt(due)
              ? due.minus(amount)
              : null;
          const memo =
            asText(wizard.communication) ||
            batch.map((move) => asText(move.payment_reference || move.name)).join(' ');
          const [paymentId] = env.create('account.payment', [
            {
              partner_id: batch[0].partner_id ?? false,
              currency_id: batch[0].currency_id ?? false,
              amount: money(amount),
              payment_type: paymentTypeFor(asText(batch[0].move_type)),
              partner_type: SALE_TYPES.has(asText(batch[0].move_type)) ? 'customer' : 'supplier',
              date: wizard.payment_date,
              memo,
              invoice_ids: [[6, 0, batch.map((move) => move.id)]],
            },
          ]);
          postPayment(env, paymentId, writeoff);
          created.push(paymentId);
        }
      }
      if (env.context.dont_redirect_to_payments) return true;
      return created.length === 1
        ? {
            name: 'Payments',
            type: 'ir.actions.act_window',
            res_model: 'account.payment',
            context: { create: false },
            view_mode: 'form',
            res_id: created[0],
          }
        : {
            name: 'Payments',
            type: 'ir.actions.act_window',
            res_model: 'account.payment',
            context: { create: false },
            view_mode: 'list,form',
            domain: [['id', 'in', created]],
          };
    },
  },
};
