// res.users, res.partner and ir.model.data.
import { asText, type ModelDef } from '../orm/model.types';
import { always, boolean, char, integer, many2one, one2many, selection } from './field.builders';

export const resUsers: ModelDef = {
  name: 'res.users',
  description: 'User',
  order: 'name, login',
  fields: {
    name: char('Name', { required: true }),
    login: char('Login', { required: true }),
    active: boolean('Active', { default: always(true) }),
  },
};

export const resPartner: ModelDef = {
  name: 'res.partner',
  description: 'Contact',
  order: 'complete_name ASC, id DESC',
  fields: {
    name: char('Name'),
    complete_name: {
      type: 'char',
      string: 'Complete Name',
      compute: (row, env) => {
        const parent =
          typeof row.parent_id === 'number' ? env.store.get('res.partner', row.parent_id) : undefined;
        return parent ? `${asText(parent.name)}, ${asText(row.name ?? '')}` : (row.name ?? false);
      },
    },
    ref: char('Reference'),
    email: char('Email'),
    phone: char('Phone'),
    street: char('Street'),
    city: char('City'),
    zip: char('Zip'),
    vat: char('Tax ID'),
    is_company: boolean('Is a Company', { default: always(false) }),
    // Odoo's address type: a company's child of type delivery is one of its ship-to addresses.
    type: selection(
      'Address Type',
      [
        ['contact', 'Contact'],
        ['invoice', 'Invoice Address'],
        ['delivery', 'Delivery Address'],
        ['other', 'Other Address'],
      ],
      { default: always('contact') },
    ),
    active: boolean('Active', { default: always(true) }),
    customer_rank: integer('Customer Rank', { default: always(0) }),
    supplier_rank: integer('Supplier Rank', { default: always(0) }),
    parent_id: many2one('res.partner', 'Related Company'),
    child_ids: one2many('res.partner', 'parent_id', 'Contact'),
    property_product_pricelist: many2one('product.pricelist', 'Pricelist'),
  },
  displayName: (row, env) => asText(env.valueOf('res.partner', row, 'complete_name') || ''),
};

export const irModelData: ModelDef = {
  name: 'ir.model.data',
  description: 'Model Data',
  order: 'module, model, name',
  fields: {
    name: char('External Identifier', { required: true }),
    module: char('Module', { required: true }),
    model: char('Model Name', { required: true }),
    res_id: integer('Record ID'),
    noupdate: boolean('Non Updatable', { default: always(false) }),
    complete_name: {
      type: 'char',
      string: 'Complete ID',
      compute: (row) => `${asText(row.module)}.${asText(row.name)}`,
    },
  },
  displayName: (row) => `${asText(row.module)}.${asText(row.name)}`,
};
