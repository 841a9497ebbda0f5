// Short builders for field definitions, in the spirit of `fields.Char(...)`.
import type { FieldDef } from '../orm/model.types';

type Extra = Partial<FieldDef>;

export const char = (string: string, extra: Extra = {}): FieldDef => ({ type: 'char', string, ...extra });
export const text = (string: string, extra: Extra = {}): FieldDef => ({ type: 'text', string, ...extra });
export const integer = (string: string, extra: Extra = {}): FieldDef => ({
  type: 'integer',
  string,
  ...extra,
});
export const float = (string: string, extra: Extra = {}): FieldDef => ({ type: 'float', string, ...extra });
export const monetary = (string: string, extra: Extra = {}): FieldDef => ({
  type: 'monetary',
  string,
  ...extra,
});
export const boolean = (string: string, extra: Extra = {}): FieldDef => ({
  type: 'boolean',
  string,
  ...extra,
});
export const date = (string: string, extra: Extra = {}): FieldDef => ({ type: 'date', string, ...extra });
export const datetime = (string: string, extra: Extra = {}): FieldDef => ({
  type: 'datetime',
  string,
  ...extra,
});
export const selection = (
  string: string,
  options: ReadonlyArray<readonly [string, string]>,
  extra: Extra = {},
): FieldDef => ({ type: 'selection', string, selection: options, ...extra });
export const many2one = (relation: string, string: string, extra: Extra = {}): FieldDef => ({
  type: 'many2one',
  string,
  relation,
  ...extra,
});
export const one2many = (relation: string, inverse: string, string: string, extra: Extra = {}): FieldDef => ({
  type: 'one2many',
  string,
  relation,
  inverse,
  ...extra,
});
export const many2many = (relation: string, string: string, extra: Extra = {}): FieldDef => ({
  type: 'many2many',
  string,
  relation,
  ...extra,
});

/** A constant default. */
export const always = (value: unknown) => (): unknown => value;
