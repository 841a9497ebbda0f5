// Reads config/partners (catalog.yaml + xref/*.yaml), validates it and builds the PartnerCatalog.
// Every problem is collected (schema, cross-references, masterdata, inline secrets) so that one CI run
// shows a reviewer everything wrong with a change.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DocumentFormat, isValidGtin, ItemIdQualifier, normalizeGtin } from '@tradewind/partner-documents';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { LineCounter, parseDocument } from 'yaml';

import { CATALOG_SCHEMA, XREF_SCHEMA } from './catalog.schema';
import {
  type CatalogFile,
  CredentialStatus,
  DataDomain,
  type MappingSetFile,
  type PartnerConfig,
  PLATFORM_SYSTEM_OF_RECORD,
} from './catalog.types';
import { type CatalogProblem, CatalogProblemCode } from './catalog-problem';
import { checkDeliveryChannels, DeliveryChannels, resolveDeliveryEndpoints } from './delivery-channels';
import { DELIVERY_SCHEMA } from './delivery-channels.schema';
import { DELIVERY_FILE, type DeliveryChannelsFile } from './delivery-channels.types';
import { checkLayout } from './layout-config';
import { PartnerCatalog } from './partner-catalog';
import { PartnerCatalogErrorCode, PartnerCatalogException } from './partner-catalog.exception';
import { secretSuspicion } from './secret-detection';
import { dataDomainOfDocument, STOCK_FEED_DOCUMENT_TYPE } from './system-of-record';

export interface CatalogLoadOptions {
  /** config/masterdata/seed.yaml: when given, every xref SKU and customer must exist there. */
  readonly masterdataSeedPath?: string;
  /** When given, active credentials past their notAfter are problems (start-up passes the clock). */
  readonly now?: Date;
}

export const CATALOG_FILE = 'catalog.yaml';
export const XREF_DIR = 'xref';

/** Validates a catalog directory; an empty list means it loads. */
export function validateCatalogDir(dir: string, options: CatalogLoadOptions = {}): CatalogProblem[] {
  return readCatalogDir(dir, options).problems;
}

/** Loads and validates the catalog; throws PartnerCatalogException listing every problem. */
export function loadPartnerCatalog(dir: string, options: CatalogLoadOptions = {}): PartnerCatalog {
  const { problems, catalog } = readCatalogDir(dir, options);
  if (catalog === undefined || problems.length > 0) {
    throw new PartnerCatalogException(
      PartnerCatalogErrorCode.InvalidCatalog,
      `The partner catalog in ${dir} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):`,
      problems,
    );
  }
  return catalog;
}

interface YamlFile {
  readonly file: string;
  readonly data: unknown;
  readonly lineAt: (pointer: string) => number | undefined;
}

function readCatalogDir(
  dir: string,
  options: CatalogLoadOptions,
): { problems: CatalogProblem[]; catalog?: PartnerCatalog } {
  const problems: CatalogProblem[] = [];
  const report = (code: CatalogProblemCode, message: string, file: YamlFile | string, path = ''): void => {
    const name = typeof file === 'string' ? file : file.file;
    const line = typeof file === 'string' ? undefined : file.lineAt(path);
    problems.push(
      Object.freeze({ code, message, file: name, path, ...(line === undefined ? {} : { line }) }),
    );
  };

  const catalogFile = readYaml(join(dir, CATALOG_FILE), report);
  const xrefDir = join(dir, XREF_DIR);
  let xrefNames: string[] = [];
  try {
    xrefNames = readdirSync(xrefDir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
  } catch {
    // No xref directory: every partner's mapping set will be reported missing.
  }
  const xrefFiles = xrefNames.flatMap((n) => {
    const file = readYaml(join(xrefDir, n), report);
    return file === undefined ? [] : [{ name: n.replace(/\.ya?ml$/, ''), file }];
  });

  // The delivery channels are optional: without the file, nothing is pushed to partners.
  const deliveryPath = join(dir, DELIVERY_FILE);
  const deliveryFile = existsSync(deliveryPath) ? readYaml(deliveryPath, report) : undefined;

  for (const f of [catalogFile, ...xrefFiles.map((x) => x.file), deliveryFile]) {
    if (f !== undefined) scanSecrets(f, report);
  }

  const { catalog: catalogValidator, xref: xrefValidator, delivery: deliveryValidator } = validators();
  let catalog: CatalogFile | undefined;
  if (catalogFile !== undefined) {
    if (schemaCheck(catalogFile, catalogValidator, report)) catalog = catalogFile.data as CatalogFile;
  }
  let delivery: DeliveryChannelsFile | undefined;
  if (deliveryFile !== undefined && schemaCheck(deliveryFile, deliveryValidator, report)) {
    delivery = deliveryFile.data as DeliveryChannelsFile;
    const partnerIds = new Set((catalog?.partners ?? []).map((p) => p.id));
    for (const problem of checkDeliveryChannels(delivery, partnerIds)) {
      if (problem.kind === 'unknown-partner' && catalog === undefined) continue;
      report(
        problem.kind === 'unknown-partner'
          ? CatalogProblemCode.UnknownDeliveryPartner
          : CatalogProblemCode.InvalidDeliveryChannel,
        problem.message,
        deliveryFile,
        problem.path,
      );
    }
  }
  const mappingSets = new Map<string, MappingSetFile>();
  for (const { name, file } of xrefFiles) {
    if (!schemaCheck(file, xrefValidator, report)) continue;
    const set = file.data as MappingSetFile;
    if (set.mappingSet !== name) {
      report(
        CatalogProblemCode.MappingSetNameMismatch,
        `The file declares mapping set "${set.mappingSet}" but is named ${name}.yaml; they must match.`,
        file,
        '/mappingSet',
      );
      continue;
    }
    checkXref(set, file, report);
    mappingSets.set(name, set);
  }

  if (catalog !== undefined && catalogFile !== undefined)
    checkCatalog(catalog, catalogFile, xrefNames, options, report);
  if (options.masterdataSeedPath !== undefined) {
    checkMasterdata(
      options.masterdataSeedPath,
      xrefFiles,
      mappingSets,
      report,
      catalog === undefined || catalogFile === undefined ? undefined : { catalog, file: catalogFile },
    );
  }

  if (catalog === undefined || problems.length > 0) return { problems };
  const channels = new DeliveryChannels(delivery === undefined ? [] : resolveDeliveryEndpoints(delivery));
  return { problems, catalog: new PartnerCatalog(catalog, mappingSets, channels) };
}

interface Validators {
  catalog: ValidateFunction;
  xref: ValidateFunction;
  delivery: ValidateFunction;
}

let compiledValidators: Validators | undefined;

function validators(): Validators {
  if (compiledValidators === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv, ['date', 'email', 'uri']);
    compiledValidators = {
      catalog: ajv.compile(CATALOG_SCHEMA),
      xref: ajv.compile(XREF_SCHEMA),
      delivery: ajv.compile(DELIVERY_SCHEMA),
    };
  }
  return compiledValidators;
}

type Report = (code: CatalogProblemCode, message: string, file: YamlFile | string, path?: string) => void;

function readYaml(file: string, report: Report): YamlFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    report(CatalogProblemCode.FileMissing, `Cannot read the file: ${(error as Error).message}`, file);
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const line = lineCounter.linePos(error.pos[0]).line;
      report(CatalogProblemCode.YamlSyntax, error.message, { file, data: undefined, lineAt: () => line });
    }
    return undefined;
  }
  const lineAt = (pointer: string): number | undefined => {
    // The deepest node on the path that exists: a missing property is reported at its parent.
    const tokens =
      pointer === ''
        ? []
        : pointer
            .split('/')
            .slice(1)
            .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    for (let n = tokens.length; n >= 0; n--) {
      const keys = tokens.slice(0, n).map((t) => (/^\d+$/.test(t) ? Number(t) : t));
      const node: unknown = n === 0 ? doc.contents : doc.getIn(keys, true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range !== undefined) return lineCounter.linePos(range[0]).line;
    }
    return undefined;
  };
  return { file, data: doc.toJS() as unknown, lineAt };
}

function schemaCheck(file: YamlFile, validate: ValidateFunction, report: Report): boolean {
  if (validate(file.data)) return true;
  for (const error of validate.errors ?? []) {
    const { path, message } = describeSchemaError(error);
    report(CatalogProblemCode.SchemaViolation, message, file, path);
  }
  return false;
}

function describeSchemaError(error: ErrorObject): { path: string; message: string } {
  const escape = (t: string): string => t.replace(/~/g, '~0').replace(/\//g, '~1');
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { path: `${error.instancePath}/${escape(missing)}`, message: `"${missing}" is required.` };
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      return { path: `${error.instancePath}/${escape(extra)}`, message: `"${extra}" is not a known field.` };
    }
    default:
      return { path: error.instancePath, message: `${error.message ?? 'is invalid'}.` };
  }
}

/** Walks every string in a file (keys' values) looking for secrets pasted inline. */
function scanSecrets(file: YamlFile, report: Report): void {
  const walk = (value: unknown, path: string, key: string | undefined): void => {
    if (typeof value === 'string') {
      const why = secretSuspicion(value, key);
      if (why !== undefined) {
        report(
          CatalogProblemCode.InlineSecret,
          `This value ${why}; keep secrets out of git and reference them.`,
          file,
          path,
        );
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}/${i}`, key));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value))
        walk(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, k);
    }
  };
  walk(file.data, '', undefined);
}

function checkCatalog(
  catalog: CatalogFile,
  file: YamlFile,
  xrefNames: readonly string[],
  options: CatalogLoadOptions,
  report: Report,
): void {
  const sets = new Set(xrefNames.map((n) => n.replace(/\.ya?ml$/, '')));
  const partnerIds = new Map<string, number>();
  const keyIds = new Map<string, string>();
  const secretRefs = new Map<string, string>();
  const x12Ids = new Map<string, string>();
  const company = catalog.company.x12;
  if (company !== undefined) x12Ids.set(`${company.qualifier}/${company.id}`, '(company)');
  const ids = new Set(catalog.partners.map((p) => p.id));
  for (const domain of Object.values(DataDomain)) {
    const owner = catalog.systemsOfRecord[domain];
    if (owner !== PLATFORM_SYSTEM_OF_RECORD && !ids.has(owner)) {
      report(
        CatalogProblemCode.UnknownSystemOfRecord,
        `The system of record of ${domain} is "${owner}", which is neither a partner nor ${PLATFORM_SYSTEM_OF_RECORD}.`,
        file,
        `/systemsOfRecord/${domain}`,
      );
    }
  }

  catalog.partners.forEach((partner: PartnerConfig, i) => {
    const at = `/partners/${i}`;
    const first = partnerIds.get(partner.id);
    if (first !== undefined) {
      report(
        CatalogProblemCode.DuplicatePartnerId,
        `Partner id "${partner.id}" is also used by /partners/${first}.`,
        file,
        `${at}/id`,
      );
    } else {
      partnerIds.set(partner.id, i);
    }

    partner.credentials.forEach((credential, c) => {
      // One secret, one place: a hash next to its signing secret, or one key's secret reused for another,
      // would undo the separation the scheme relies on.
      for (const field of ['apiKeyHashRef', 'signingSecretRef'] as const) {
        const ref = credential[field];
        const first = secretRefs.get(ref);
        if (first !== undefined) {
          report(
            CatalogProblemCode.CredentialRefReused,
            `${field} ${ref} is also the ${first}; every API key hash and signing secret has its own reference.`,
            file,
            `${at}/credentials/${c}/${field}`,
          );
        } else {
          secretRefs.set(ref, `${field} of ${credential.keyId}`);
        }
      }
      const owner = keyIds.get(credential.keyId);
      if (owner !== undefined) {
        report(
          CatalogProblemCode.DuplicateKeyId,
          `keyId "${credential.keyId}" is also used by partner ${owner}; key ids identify the principal and must be unique.`,
          file,
          `${at}/credentials/${c}/keyId`,
        );
      } else {
        keyIds.set(credential.keyId, partner.id);
      }
      if (options.now !== undefined && credential.status === CredentialStatus.Active) {
        const end = Date.parse(`${credential.notAfter}T23:59:59.999Z`);
        if (end < options.now.getTime()) {
          report(
            CatalogProblemCode.CredentialExpired,
            `Active key ${credential.keyId} expired on ${credential.notAfter}; retire or remove it.`,
            file,
            `${at}/credentials/${c}/notAfter`,
          );
        }
      }
    });
    const active = partner.credentials.filter((c) => c.status === CredentialStatus.Active).length;
    if (active > 2) {
      report(
        CatalogProblemCode.TooManyActiveKeys,
        `Partner ${partner.id} has ${active} active keys; at most two (current and next) are allowed during rotation.`,
        file,
        `${at}/credentials`,
      );
    }

    const inboundSalesOrders = partner.documents.some(
      (d) => d.type === 'sales-order' && d.direction === 'inbound',
    );
    if (partner.mappingSet === undefined) {
      if (inboundSalesOrders) {
        report(
          CatalogProblemCode.MappingSetRequired,
          `Partner ${partner.id} sends sales orders and needs a mappingSet for its codes.`,
          file,
          at,
        );
      }
    } else if (!sets.has(partner.mappingSet)) {
      report(
        CatalogProblemCode.MappingSetMissing,
        `Mapping set "${partner.mappingSet}" has no file ${XREF_DIR}/${partner.mappingSet}.yaml.`,
        file,
        `${at}/mappingSet`,
      );
    }

    partner.scopes.forEach((scope, s) => {
      const [resource, action, object] = scope.split(':');
      if (resource !== 'documents') return;
      const domain = action === 'submit' ? dataDomainOfDocument(object) : undefined;
      if (domain !== undefined && catalog.systemsOfRecord[domain] !== partner.id) {
        report(
          CatalogProblemCode.NotSystemOfRecord,
          `Scope ${scope} lets ${partner.id} write ${domain}, whose system of record is ${catalog.systemsOfRecord[domain]}.`,
          file,
          `${at}/scopes/${s}`,
        );
      }
      const direction = action === 'submit' ? 'inbound' : 'outbound';
      if (!partner.documents.some((d) => d.type === object && d.direction === direction)) {
        report(
          CatalogProblemCode.ScopeWithoutDocument,
          `Scope ${scope} needs a documents entry { type: ${object}, direction: ${direction} }.`,
          file,
          `${at}/scopes/${s}`,
        );
      }
    });

    checkAllocation(partner, at, file, report);

    const usesX12 = partner.documents.some((d) => d.formats.includes(DocumentFormat.X12));
    if (usesX12 && partner.x12 === undefined) {
      report(
        CatalogProblemCode.X12IdentityRequired,
        `Partner ${partner.id} exchanges X12 and needs an x12 identity (ISA qualifier and id).`,
        file,
        at,
      );
    }
    if (usesX12 && company === undefined) {
      report(
        CatalogProblemCode.X12IdentityRequired,
        'Partners exchange X12, so company.x12 (our ISA qualifier and id) is required.',
        file,
        '/company',
      );
    }
    if (partner.x12 !== undefined) {
      const key = `${partner.x12.qualifier}/${partner.x12.id}`;
      const owner = x12Ids.get(key);
      if (owner !== undefined) {
        report(
          CatalogProblemCode.DuplicateX12Identity,
          `X12 identity ${key} is also used by ${owner}; inbound interchanges are routed by it.`,
          file,
          `${at}/x12`,
        );
      } else {
        x12Ids.set(key, partner.id);
      }
    }
  });
}

/** A channel has both an outbound stock-feed and an allocation rule, or neither; bounds do not cross. */
function checkAllocation(partner: PartnerConfig, at: string, file: YamlFile, report: Report): void {
  const feeds = partner.documents.some(
    (d) => d.type === STOCK_FEED_DOCUMENT_TYPE && d.direction === 'outbound',
  );
  const rule = partner.allocation;
  if (feeds && rule === undefined) {
    report(
      CatalogProblemCode.InvalidAllocationRule,
      `Partner ${partner.id} receives a ${STOCK_FEED_DOCUMENT_TYPE} and needs an allocation rule.`,
      file,
      at,
    );
  }
  if (rule === undefined) return;
  if (!feeds) {
    report(
      CatalogProblemCode.InvalidAllocationRule,
      `Partner ${partner.id} has an allocation rule but no documents entry { type: ${STOCK_FEED_DOCUMENT_TYPE}, direction: outbound }.`,
      file,
      `${at}/allocation`,
    );
  }
  if (rule.min !== undefined && rule.max !== undefined && rule.min > rule.max) {
    report(
      CatalogProblemCode.InvalidAllocationRule,
      `min ${rule.min} is above max ${rule.max}.`,
      file,
      `${at}/allocation/min`,
    );
  }
}

function checkXref(set: MappingSetFile, file: YamlFile, report: Report): void {
  const seen = new Map<string, string>();
  const once = (kind: string, key: string, path: string): void => {
    const first = seen.get(`${kind}:${key}`);
    if (first !== undefined) {
      report(CatalogProblemCode.DuplicateXref, `${kind} ${key} is already mapped at ${first}.`, file, path);
    } else {
      seen.set(`${kind}:${key}`, path);
    }
  };
  set.customers.forEach((c, i) => once('Customer code', c.partnerCode, `/customers/${i}/partnerCode`));
  (set.shipTos ?? []).forEach((s, i) => once('Ship-to code', s.partnerCode, `/shipTos/${i}/partnerCode`));
  for (const { message, path } of checkLayout(set)) {
    report(CatalogProblemCode.InvalidLayout, message, file, path);
  }
  set.items.forEach((item, i) => {
    const path = `/items/${i}`;
    const gtin = item.qualifier === ItemIdQualifier.Gtin;
    if (gtin && !isValidGtin(item.partnerItemId)) {
      report(
        CatalogProblemCode.InvalidGtin,
        `"${item.partnerItemId}" is not a GTIN with a valid check digit.`,
        file,
        `${path}/partnerItemId`,
      );
    }
    once(
      `Item (${item.qualifier})`,
      gtin ? normalizeGtin(item.partnerItemId) : item.partnerItemId,
      `${path}/partnerItemId`,
    );
    (item.uoms ?? []).forEach((u, j) =>
      once(`Unit of ${item.partnerItemId}`, u.code, `${path}/uoms/${j}/code`),
    );
  });
  set.uoms.forEach((u, i) => once('Unit', u.code, `/uoms/${i}/code`));
}

interface MasterdataSeed {
  readonly warehouses?: readonly { readonly code: string }[];
  readonly products?: readonly { readonly sku: string; readonly gtin?: string }[];
  readonly customers?: readonly {
    readonly canonicalId: string;
    readonly externalId: string;
    readonly deliveryAddresses?: readonly { readonly externalId: string }[];
  }[];
}

function checkMasterdata(
  seedPath: string,
  xrefFiles: readonly { name: string; file: YamlFile }[],
  sets: ReadonlyMap<string, MappingSetFile>,
  report: Report,
  catalog: { catalog: CatalogFile; file: YamlFile } | undefined,
): void {
  const seedFile = readYaml(seedPath, report);
  if (seedFile === undefined) return;
  const seed = (seedFile.data ?? {}) as MasterdataSeed;
  const warehouses = new Set((seed.warehouses ?? []).map((w) => w.code));
  catalog?.catalog.partners.forEach((partner, i) =>
    (partner.allocation?.warehouses ?? []).forEach((code, w) => {
      if (!warehouses.has(code)) {
        report(
          CatalogProblemCode.UnknownMasterdataWarehouse,
          `Warehouse ${code} is not in ${seedPath}.`,
          catalog.file,
          `/partners/${i}/allocation/warehouses/${w}`,
        );
      }
    }),
  );
  const products = new Map((seed.products ?? []).map((p) => [p.sku, p]));
  const customers = new Map((seed.customers ?? []).map((c) => [c.canonicalId, c]));
  for (const { name, file } of xrefFiles) {
    const set = sets.get(name);
    if (set === undefined) continue;
    set.customers.forEach((c, i) => {
      const known = customers.get(c.customerId);
      if (known === undefined) {
        report(
          CatalogProblemCode.UnknownMasterdataCustomer,
          `Customer ${c.customerId} is not in ${seedPath}.`,
          file,
          `/customers/${i}/customerId`,
        );
      } else if (known.externalId !== c.odooExternalId) {
        report(
          CatalogProblemCode.MasterdataMismatch,
          `Customer ${c.customerId} is ${known.externalId} in Odoo, not ${c.odooExternalId}.`,
          file,
          `/customers/${i}/odooExternalId`,
        );
      }
    });
    (set.shipTos ?? []).forEach((shipTo, i) => {
      const owner = customers.get(shipTo.customerId);
      if (owner === undefined) return; // reported with the customers
      if (!(owner.deliveryAddresses ?? []).some((a) => a.externalId === shipTo.odooExternalId)) {
        report(
          CatalogProblemCode.UnknownMasterdataAddress,
          `${shipTo.odooExternalId} is not a delivery address of ${shipTo.customerId} in ${seedPath}.`,
          file,
          `/shipTos/${i}/odooExternalId`,
        );
      }
    });
    set.items.forEach((item, i) => {
      const product = products.get(item.sku);
      if (product === undefined) {
        report(
          CatalogProblemCode.UnknownMasterdataSku,
          `SKU ${item.sku} is not in ${seedPath}.`,
          file,
          `/items/${i}/sku`,
        );
      } else if (
        item.qualifier === ItemIdQualifier.Gtin &&
        product.gtin !== undefined &&
        isValidGtin(item.partnerItemId) &&
        normalizeGtin(item.partnerItemId) !== normalizeGtin(product.gtin)
      ) {
        report(
          CatalogProblemCode.MasterdataMismatch,
          `GTIN ${item.partnerItemId} is not ${item.sku}'s GTIN (${product.gtin}).`,
          file,
          `/items/${i}/partnerItemId`,
        );
      }
    });
  }
}
