// A mapping set's `layout` (config/partners/xref/<set>.yaml) → the SalesOrderLayout the parsers read
// with, and the checks the JSON Schema cannot express. The catalog loader reports the problems with the
// file and path; the catalog builds layouts only from a set that passed them.
import {
  CSV_COLUMN_ONLY_FIELDS,
  CSV_FIELD_TYPES,
  CSV_MANDATORY_FIELDS,
  type CsvColumnSpec,
  CsvField,
  CsvFieldType,
  type CsvLayout,
  isIsoDate,
  type JsonLayout,
  parseDecimal,
  type SalesOrderLayout,
  STANDARD_LAYOUT,
  type X12Layout,
} from '@tradewind/partner-documents';

import type { CsvColumnConfig, MappingSetFile } from './catalog.types';

export interface LayoutProblem {
  readonly message: string;
  /** JSON pointer into the mapping set file. */
  readonly path: string;
}

/** The layout the set's partners send in: the configured parts, Tradewind's standard for the rest. */
export function salesOrderLayout(set: MappingSetFile): SalesOrderLayout {
  const csv = set.layout?.csv;
  const x12 = set.layout?.x12;
  const standard = STANDARD_LAYOUT.x12;
  const x12Layout: X12Layout = {
    customerQualifiers: x12?.customer ?? standard.customerQualifiers,
    shipToQualifiers: x12?.shipTo ?? standard.shipToQualifiers,
    ...(x12?.senderCustomerCode === undefined ? {} : { senderCustomerCode: x12.senderCustomerCode }),
    itemQualifiers: { ...standard.itemQualifiers, ...x12?.itemQualifiers },
  };
  const json = set.layout?.json;
  const jsonLayout: JsonLayout = {
    order: { ...STANDARD_LAYOUT.json.order, ...json?.order },
    line: { ...STANDARD_LAYOUT.json.line, ...json?.line },
  };
  return {
    csv: csv === undefined ? STANDARD_LAYOUT.csv : csvLayout(csv.columns),
    x12: x12Layout,
    json: jsonLayout,
  };
}

function csvLayout(columns: Readonly<Partial<Record<CsvField, CsvColumnConfig>>>): CsvLayout {
  const specs: Partial<Record<CsvField, CsvColumnSpec>> = {};
  for (const [field, config] of Object.entries(columns) as [CsvField, CsvColumnConfig][]) {
    specs[field] = {
      ...(config.column === undefined ? {} : { column: config.column }),
      required: isRequired(config),
      ...(config.default === undefined ? {} : { default: config.default }),
      ...(config.idType === undefined ? {} : { idType: config.idType }),
    };
  }
  return { columns: specs };
}

/** A column is required unless it says otherwise or has a default to fall back on. */
function isRequired(config: CsvColumnConfig): boolean {
  return config.required ?? (config.column !== undefined && config.default === undefined);
}

/** Everything wrong with a set's layout (after its schema check), each with its path in the file. */
export function checkLayout(set: MappingSetFile): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  const customerCodes = new Set(set.customers.map((c) => c.partnerCode));
  const columns = set.layout?.csv?.columns;
  if (columns !== undefined) {
    const base = '/layout/csv/columns';
    for (const field of CSV_MANDATORY_FIELDS) {
      const config = columns[field];
      if (config?.column === undefined && config?.default === undefined) {
        problems.push({
          message: `${field} is needed by every order: give it a column${CSV_COLUMN_ONLY_FIELDS.includes(field) ? '' : ' or a default'}.`,
          path: `${base}/${field}`,
        });
      } else if (CSV_COLUMN_ONLY_FIELDS.includes(field) && config.column === undefined) {
        problems.push({
          message: `${field} differs per row and needs a column, not a default.`,
          path: `${base}/${field}`,
        });
      }
    }
    const seen = new Map<string, CsvField>();
    for (const [field, config] of Object.entries(columns) as [CsvField, CsvColumnConfig][]) {
      const at = `${base}/${field}`;
      if (config.required === true && config.default !== undefined) {
        problems.push({
          message: `${field} is required and has a default; a required column has no fallback.`,
          path: `${at}/default`,
        });
      }
      if (config.required === true && config.column === undefined) {
        problems.push({ message: `${field} is required but names no column.`, path: `${at}/required` });
      }
      if (config.column !== undefined) {
        const key = config.column.toLowerCase();
        const other = seen.get(key);
        if (other === undefined) seen.set(key, field);
        else
          problems.push({
            message: `Column "${config.column}" is already mapped to ${other}.`,
            path: `${at}/column`,
          });
      }
      if (config.default !== undefined) {
        const why = defaultProblem(CSV_FIELD_TYPES[field], config.default);
        if (why !== undefined)
          problems.push({ message: `Default "${config.default}" ${why}.`, path: `${at}/default` });
        if (field === CsvField.CustomerCode && !customerCodes.has(config.default)) {
          problems.push({
            message: `Default customer code "${config.default}" has no entry in customers.`,
            path: `${at}/default`,
          });
        }
      }
    }
  }
  if (set.layout?.json !== undefined) {
    const layout = salesOrderLayout(set).json;
    problems.push(
      ...pathClashes(layout.order, '/layout/json/order'),
      ...pathClashes(layout.line, '/layout/json/line'),
    );
  }
  const sender = set.layout?.x12?.senderCustomerCode;
  if (sender !== undefined && !customerCodes.has(sender)) {
    problems.push({
      message: `Sender customer code "${sender}" has no entry in customers.`,
      path: '/layout/x12/senderCustomerCode',
    });
  }
  const customerIds = new Set(set.customers.map((c) => c.customerId));
  (set.shipTos ?? []).forEach((shipTo, i) => {
    if (!customerIds.has(shipTo.customerId)) {
      problems.push({
        message: `Ship-to ${shipTo.partnerCode} belongs to ${shipTo.customerId}, who is not among this set's customers.`,
        path: `/shipTos/${i}/customerId`,
      });
    }
  });
  return problems;
}

/** Two fields at one path, or one inside the other, cannot both be read from a document. */
function pathClashes(paths: Readonly<Record<string, string>>, base: string): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  const entries = Object.entries(paths);
  entries.forEach(([field, path], i) => {
    for (const [other, otherPath] of entries.slice(0, i)) {
      if (path === otherPath || path.startsWith(`${otherPath}/`) || otherPath.startsWith(`${path}/`)) {
        problems.push({
          message: `${field} at ${path} clashes with ${other} at ${otherPath}; each field needs its own place.`,
          path: `${base}/${field}`,
        });
      }
    }
  });
  return problems;
}

/** Why a default is not a value of its field's type, or undefined when it is one. */
function defaultProblem(type: CsvFieldType, value: string): string | undefined {
  switch (type) {
    case CsvFieldType.Text:
      return undefined;
    case CsvFieldType.Date:
      return isIsoDate(value) ? undefined : 'is not a date (YYYY-MM-DD)';
    case CsvFieldType.Currency:
      return /^[A-Z]{3}$/.test(value) ? undefined : 'is not an ISO 4217 code';
    case CsvFieldType.PositiveInteger:
      return /^[1-9]\d{0,5}$/.test(value) ? undefined : 'is not a positive whole number';
    case CsvFieldType.Decimal:
      return parseDecimal(value) === undefined ? 'is not a number' : undefined;
    case CsvFieldType.UnitCode:
      return /^[A-Za-z0-9]{1,10}$/.test(value) ? undefined : 'is not a unit code';
    case CsvFieldType.ItemQualifier:
      return value === 'sku' || value === 'gtin' ? undefined : 'must be "sku" or "gtin"';
  }
}
