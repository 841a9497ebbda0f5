// uom.uom: units of measure as Odoo 17/18 has them (addons/uom/models/uom_uom.py): a unit is `reference`
// in its category, `bigger` (factor < 1: one Dozen is 12 Units, factor 1/12) or `smaller`. Quantities
// convert through the reference unit: qty × (reference per unit) = qty / factor. The Units, Dozens and
// Pack of 6 of the uom module's data are created on first use under their external ids.
import type { Env } from '../orm/env';
import { registerExternalId } from '../orm/load';
import type { ModelDef } from '../orm/model.types';
import { always, boolean, char, float, selection } from './field.builders';

export const uomUom: ModelDef = {
  name: 'uom.uom',
  description: 'Product Unit of Measure',
  order: 'factor desc, id',
  fields: {
    name: char('Unit of Measure', { required: true }),
    category_name: char('Category', { default: always('Unit') }),
    uom_type: selection(
      'Type',
      [
        ['bigger', 'Bigger than the reference Unit of Measure'],
        ['reference', 'Reference Unit of Measure for this category'],
        ['smaller', 'Smaller than the reference Unit of Measure'],
      ],
      { default: always('reference'), required: true },
    ),
    factor: float('Ratio', { default: always(1), required: true }),
    factor_inv: {
      type: 'float',
      string: 'Bigger Ratio',
      compute: (row) => (Number(row.factor) > 0 ? 1 / Number(row.factor) : 0),
    },
    rounding: float('Rounding Precision', { default: always(0.01) }),
    active: boolean('Active', { default: always(true) }),
  },
};

const STANDARD_UNITS: readonly { xmlid: string; name: string; type: string; factor: number }[] = [
  { xmlid: 'uom.product_uom_unit', name: 'Units', type: 'reference', factor: 1 },
  { xmlid: 'uom.product_uom_dozen', name: 'Dozens', type: 'bigger', factor: 1 / 12 },
  { xmlid: 'uom.product_uom_pack_6', name: 'Pack of 6', type: 'bigger', factor: 1 / 6 },
];

/** The uom module's standard units (created once, under their external ids). */
export function seedStandardUnits(env: Env): void {
  for (const unit of STANDARD_UNITS) unitByXmlid(env, unit.xmlid);
}

function unitByXmlid(env: Env, xmlid: string): number {
  const found = env.store.resolveExternalId(xmlid);
  if (found && env.store.get('uom.uom', found.resId)) return found.resId;
  const unit = STANDARD_UNITS.find((u) => u.xmlid === xmlid)!;
  const sudo = env.sudo();
  const [id] = sudo.create('uom.uom', [{ name: unit.name, uom_type: unit.type, factor: unit.factor }]);
  registerExternalId(sudo, xmlid, 'uom.uom', id);
  return id;
}

/** Units (uom.product_uom_unit): the default unit of a product and of a purchase line. */
export function unitOfMeasure(env: Env): number {
  return unitByXmlid(env, 'uom.product_uom_unit');
}

/** Reference units in one of this unit (12 for Dozens); 1 for an unknown or missing unit. */
export function uomRatio(env: Env, uomId: unknown): number {
  if (typeof uomId !== 'number') return 1;
  const factor = Number(env.store.get('uom.uom', uomId)?.factor ?? 1);
  return factor > 0 ? 1 / factor : 1;
}
