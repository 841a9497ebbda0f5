// account.move / account.move.line (invoices and entries: action_post, button_draft, button_cancel) and
// account.payment (action_post applies the amount to its invoices). Messages from addons/account.
import type { Env } from '../orm/env';
import { pad } from '../orm/env';
import { asText, type ModelDef, type Row } from '../orm/model.types';
import { userError } from '../orm/python-error';
import { always, char, date, float, many2many, many2one, one2many, selection, text } from './field.builders';

const MOVE_PREFIX: Record<string, string> = {
  entry: 'MISC',
  out_invoice: 'INV',
  out_refund: 'RINV',
  in_invoice: 'BILL',
  in_refund: 'RBILL',
};

const lineSubtotal = (line: Row): number =>
  Math.round(
    Number(line.quantity ?? 0) * Number(line.price_unit ?? 0) * (1 - Number(line.discount ?? 0) / 100) * 100,
  ) / 100;

function moveTotal(env: Env, moveId: number): number {
  return env.store
    .referencing('account.move.line', 'move_id', moveId)
    .reduce((sum, id) => sum + lineSubtotal(env.store.get('account.move.line', id)!), 0);
}

/** Amount paid on an invoice: posted payments spread over their invoices in order. */
function paidOn(env: Env, moveId: number): number {
  let paid = 0;
  for (const payment of env.store.rows('account.payment')) {
    if (payment.state !== 'posted') continue;
    let remaining = Number(payment.amount ?? 0);
    for (const invoiceId of (payment.invoice_ids as number[] | undefined) ?? []) {
      const due = Math.max(0, moveTotal(env, invoiceId));
      const applied = Math.min(due, remaining);
      remaining -= applied;
      if (invoiceId === moveId) paid += applied;
    }
  }
  return paid;
}

function residual(row: Row, env: Env): number {
  if (row.state !== 'posted' || row.move_type === 'entry') return 0;
  return Math.max(0, Math.round((moveTotal(env, row.id) - paidOn(env, row.id)) * 100) / 100);
}

const MOVE_LINES = { relation: 'account.move.line', inverse: 'move_id' };

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
    date: date('Date', { required: true, default: ({ env }) => env.today() }),
    invoice_date: date('Invoice/Bill Date'),
    invoice_date_due: date('Due Date'),
    invoice_origin: char('Origin'),
    payment_reference: char('Payment Reference'),
    narration: text('Terms and Conditions'),
    line_ids: one2many(MOVE_LINES.relation, MOVE_LINES.inverse, 'Journal Items'),
    invoice_line_ids: one2many(MOVE_LINES.relation, MOVE_LINES.inverse, 'Invoice lines'),
    amount_untaxed: {
      type: 'monetary',
      string: 'Untaxed Amount',
      compute: (row, env) => moveTotal(env, row.id),
    },
    amount_tax: { type: 'monetary', string: 'Tax', compute: () => 0 },
    amount_total: { type: 'monetary', string: 'Total', compute: (row, env) => moveTotal(env, row.id) },
    amount_residual: { type: 'monetary', string: 'Amount Due', compute: residual },
    payment_state: {
      type: 'selection',
      string: 'Payment Status',
      selection: [
        ['not_paid', 'Not Paid'],
        ['in_payment', 'In Payment'],
        ['paid', 'Paid'],
        ['partial', 'Partially Paid'],
        ['reversed', 'Reversed'],
      ],
      compute: (row, env) => {
        if (row.state !== 'posted' || row.move_type === 'entry') return 'not_paid';
        const due = residual(row, env);
        if (due === 0 && moveTotal(env, row.id) > 0) return 'paid';
        return paidOn(env, row.id) > 0 ? 'partial' : 'not_paid';
      },
    },
  },
  displayName: (row) => (row.name && row.name !== '/' ? asText(row.name) : 'Draft'),
  beforeUnlink: (env, ids) => {
    if (ids.some((id) => env.row('account.move', id).state === 'posted')) {
      throw userError('You cannot delete an entry which has been posted once.');
    }
  },
  actions: {
    action_post: (env, ids) => {
      for (const id of ids) {
        const move = env.row('account.move', id);
        if (move.state === 'posted') {
          throw userError(`The entry ${asText(move.name)} (id ${id}) is already posted.`);
        }
        if (env.store.referencing('account.move.line', 'move_id', id).length === 0) {
          throw userError('You need to add a line before posting.');
        }
        const type = asText(move.move_type);
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
            ? { invoice_date: invoiceDate, invoice_date_due: move.invoice_date_due || invoiceDate }
            : {}),
        });
      }
      // Odoo's action_post returns False
      return false;
    },
    button_draft: (env, ids) => {
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
    price_subtotal: { type: 'monetary', string: 'Subtotal', compute: lineSubtotal },
    price_total: { type: 'monetary', string: 'Total', compute: lineSubtotal },
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

export const accountPayment: ModelDef = {
  name: 'account.payment',
  description: 'Payments',
  order: 'date desc, name desc',
  fields: {
    name: char('Number', { default: always('/') }),
    partner_id: many2one('res.partner', 'Customer/Vendor'),
    amount: float('Amount', { default: always(0) }),
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
  },
  displayName: (row) => (row.name && row.name !== '/' ? asText(row.name) : 'Draft Payment'),
  actions: {
    action_post: (env, ids) => {
      for (const id of ids) {
        const payment = env.row('account.payment', id);
        if (payment.state === 'posted') {
          throw userError(`The entry ${asText(payment.name)} (id ${id}) is already posted.`);
        }
        const year = asText(payment.date).slice(0, 4);
        const name =
          payment.name && payment.name !== '/'
            ? payment.name
            : `PBNK1/${year}/${pad(env.store.nextNumber(`account.payment.${year}`), 5)}`;
        env.write('account.payment', [id], { state: 'posted', name });
      }
      return true;
    },
    action_draft: (env, ids) => {
      env.write('account.payment', ids, { state: 'draft' });
      return true;
    },
    action_cancel: (env, ids) => {
      env.write('account.payment', ids, { state: 'cancel' });
      return true;
    },
  },
};
