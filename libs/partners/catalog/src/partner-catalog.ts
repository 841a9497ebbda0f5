// The validated, frozen partner catalog with the lookups the gateway and the domain services need.
// Built only by loadPartnerCatalog (after validation); read-only for its whole life.
import type { ShipmentMilestone } from '@tradewind/contracts';
import {
  type DocumentFormat,
  DocumentPolicy,
  ItemIdQualifier,
  normalizeGtin,
  type SalesOrderLayout,
  STANDARD_LAYOUT,
} from '@tradewind/partner-documents';

import {
  type AllocationRule,
  CANONICAL_UOM,
  type CatalogFile,
  type CredentialRef,
  CredentialStatus,
  type CustomerXref,
  type DataDomain,
  type ItemXref,
  type MappingSetFile,
  type PartnerConfig,
  PartnerStatus,
  type PartnerX12Identity,
  type ShipToXref,
} from './catalog.types';
import { DeliveryChannels } from './delivery-channels';
import { type FeedTerms, feedTermsOf, type ReservationTerms, reservationTermsOf } from './inventory-terms';
import { salesOrderLayout } from './layout-config';
import type { ShipmentNoticeSubscription } from './shipment-config';
import { dataDomainOfDocument, ownersOf, STOCK_FEED_DOCUMENT_TYPE } from './system-of-record';

export interface ResolvedCustomer {
  /** Canonical customer id (masterdata canonicalId). */
  readonly customerId: string;
  readonly odooExternalId: string;
}

export interface ResolvedItem {
  readonly sku: string;
  /** Canonical Units in one partner "each" of this item (pack listings); 1 for most items. */
  readonly uomFactor: number;
  /** The cross-reference entry that matched. */
  readonly qualifier: ItemXref['qualifier'];
  readonly partnerItemId: string;
}

export interface ResolvedShipTo {
  readonly customerId: string;
  /** Odoo external id of the customer's delivery address. */
  readonly odooExternalId: string;
}

export interface ConvertedQuantity {
  readonly quantity: number;
  readonly uom: typeof CANONICAL_UOM;
  /** Canonical Units per partner unit, item pack factor included. */
  readonly factor: number;
}

interface IndexedMappingSet {
  readonly layout: SalesOrderLayout;
  readonly customers: ReadonlyMap<string, CustomerXref>;
  /** Undefined when the set maps no ship-to codes (they are then kept as sent). */
  readonly shipTos: ReadonlyMap<string, ShipToXref> | undefined;
  readonly items: ReadonlyMap<string, ItemXref>;
  readonly uoms: ReadonlyMap<string, number>;
}

const DEFAULT_X12_VERSION = '004010';
/** ISA13 has nine digits: a month of a busy partner's interchanges is far from wrapping. */
const DEFAULT_DUPLICATE_WINDOW_DAYS = 30;

const LOOKUP_ORDER = [ItemIdQualifier.PartnerSku, ItemIdQualifier.VendorSku, ItemIdQualifier.Gtin] as const;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function itemKey(qualifier: ItemIdQualifier, id: string): string {
  return `${qualifier}:${qualifier === ItemIdQualifier.Gtin ? normalizeGtin(id) : id}`;
}

export class PartnerCatalog {
  readonly company: CatalogFile['company'];
  private readonly owners: CatalogFile['systemsOfRecord'];
  private readonly byId: ReadonlyMap<string, PartnerConfig>;
  private readonly byKeyId: ReadonlyMap<string, { partner: PartnerConfig; credential: CredentialRef }>;
  private readonly byX12: ReadonlyMap<string, PartnerConfig>;
  private readonly sets: ReadonlyMap<string, IndexedMappingSet>;
  private readonly itemUoms: ReadonlyMap<string, ReadonlyMap<string, number>>;

  /** Use loadPartnerCatalog: it validates what this constructor trusts. */
  constructor(
    file: CatalogFile,
    mappingSets: ReadonlyMap<string, MappingSetFile>,
    /** config/partners/delivery.yaml: how each partner receives what it is owed. */
    readonly delivery: DeliveryChannels = new DeliveryChannels([]),
  ) {
    const catalog = deepFreeze(structuredClone(file));
    this.company = catalog.company;
    this.owners = catalog.systemsOfRecord;
    this.byId = new Map(catalog.partners.map((p) => [p.id, p]));
    this.byKeyId = new Map(
      catalog.partners.flatMap((p) =>
        p.credentials.map((c) => [c.keyId, { partner: p, credential: c }] as const),
      ),
    );
    this.byX12 = new Map(
      catalog.partners.flatMap((p) =>
        p.x12 === undefined ? [] : [[`${p.x12.qualifier}/${p.x12.id}`, p] as const],
      ),
    );
    const itemUoms = new Map<string, ReadonlyMap<string, number>>();
    this.sets = new Map(
      [...mappingSets].map(([name, set]) => {
        const frozen = deepFreeze(structuredClone(set));
        for (const item of frozen.items) {
          if (item.uoms !== undefined) {
            itemUoms.set(
              `${name}/${itemKey(item.qualifier, item.partnerItemId)}`,
              new Map(item.uoms.map((u) => [u.code, u.factor])),
            );
          }
        }
        return [
          name,
          {
            layout: deepFreeze(salesOrderLayout(frozen)),
            customers: new Map(frozen.customers.map((c) => [c.partnerCode, c])),
            shipTos:
              frozen.shipTos === undefined
                ? undefined
                : new Map(frozen.shipTos.map((t) => [t.partnerCode, t])),
            items: new Map(frozen.items.map((i) => [itemKey(i.qualifier, i.partnerItemId), i])),
            uoms: new Map(frozen.uoms.map((u) => [u.code, u.factor])),
          },
        ];
      }),
    );
    this.itemUoms = itemUoms;
    Object.freeze(this);
  }

  partners(): readonly PartnerConfig[] {
    return [...this.byId.values()];
  }

  partner(id: string): PartnerConfig | undefined {
    return this.byId.get(id);
  }

  /** The partner and credential a key id belongs to (the gateway's principal lookup). */
  credential(
    keyId: string,
  ): { readonly partner: PartnerConfig; readonly credential: CredentialRef } | undefined {
    return this.byKeyId.get(keyId);
  }

  /** Credentials usable at `at`: active and not past their notAfter day (UTC). */
  activeCredentials(partnerId: string, at: Date): readonly CredentialRef[] {
    const partner = this.byId.get(partnerId);
    if (partner === undefined) return [];
    return partner.credentials.filter(
      (c) =>
        c.status === CredentialStatus.Active && Date.parse(`${c.notAfter}T23:59:59.999Z`) >= at.getTime(),
    );
  }

  /** The partner whose interchanges carry this ISA sender qualifier and id. */
  partnerByX12Sender(qualifier: string, id: string): PartnerConfig | undefined {
    return this.byX12.get(`${qualifier}/${id.trim()}`);
  }

  /** Our own X12 identity (ISA05/06) for what we send. */
  companyX12(): PartnerX12Identity | undefined {
    return this.company.x12;
  }

  /** How much of an upload with a bad order the partner wants accepted (default per-order). */
  documentPolicy(partner: PartnerConfig): DocumentPolicy {
    return partner.documentPolicy ?? DocumentPolicy.PerOrder;
  }

  /** GS08 versions the partner may send: `x12.versions`, else its `x12.version`, else 004010. */
  x12Versions(partner: PartnerConfig): readonly string[] {
    return partner.x12?.versions ?? [partner.x12?.version ?? DEFAULT_X12_VERSION];
  }

  /** How long an ISA13 is remembered, and how a repeat of it is answered. */
  duplicateInterchangeRule(partner: PartnerConfig): { windowMs: number; answer: 'x12-ta1' | 'x12-997' } {
    const rule = partner.x12?.duplicateInterchange;
    return {
      windowMs: (rule?.windowDays ?? DEFAULT_DUPLICATE_WINDOW_DAYS) * 86_400_000,
      answer: rule?.answer ?? 'x12-ta1',
    };
  }

  /** The owner of a data domain: a partner id, or PLATFORM_SYSTEM_OF_RECORD (`tradewind`). */
  systemOfRecord(domain: DataDomain): string {
    return ownersOf(this.owners[domain]).join(' or ');
  }

  /** Whether the partner owns the domain (the platform enforces it: anything else is a business exception). */
  isSystemOfRecord(partnerId: string, domain: DataDomain): boolean {
    return ownersOf(this.owners[domain]).includes(partnerId);
  }

  /**
   * For an inbound document type that writes a data domain, the domain and its owner when `partnerId` is
   * not that owner; undefined when the partner may write it (or the type writes no domain).
   */
  ownershipViolation(
    partnerId: string,
    documentType: string,
  ): { readonly domain: DataDomain; readonly owner: string } | undefined {
    const domain = dataDomainOfDocument(documentType);
    if (domain === undefined || this.isSystemOfRecord(partnerId, domain)) return undefined;
    return { domain, owner: this.systemOfRecord(domain) };
  }

  /** The canonical milestone a carrier's or 3PL's status code stands for (undefined: not mapped). */
  milestoneOf(partnerId: string, code: string): ShipmentMilestone | undefined {
    const codes = this.byId.get(partnerId)?.milestones?.codes;
    return codes !== undefined && Object.hasOwn(codes, code) ? codes[code] : undefined;
  }

  /** The shipment notices a customer subscribed to (undefined: none). */
  shipmentNotices(partnerId: string): ShipmentNoticeSubscription | undefined {
    const partner = this.byId.get(partnerId);
    return partner?.status === PartnerStatus.Active ? partner.shipmentNotices : undefined;
  }

  /** The channel partner's allocation rule (undefined for a partner that is not a channel). */
  allocationRule(partnerId: string): AllocationRule | undefined {
    return this.byId.get(partnerId)?.allocation;
  }

  /** The partner's shortage policy and hold TTL (undefined fields: the service's own settings). */
  reservationTerms(partnerId: string): ReservationTerms {
    return reservationTermsOf(this.byId.get(partnerId)?.inventory);
  }

  /** A channel's stock-feed cadence and its formats (the outbound stock-feed documents entry). */
  feedTerms(partnerId: string): FeedTerms & { readonly formats: readonly DocumentFormat[] } {
    const partner = this.byId.get(partnerId);
    const entry = partner?.documents.find(
      (d) => d.type === STOCK_FEED_DOCUMENT_TYPE && d.direction === 'outbound',
    );
    return { ...feedTermsOf(partner?.inventory), formats: entry?.formats ?? [] };
  }

  /** Active partners with an allocation rule: the channels that receive stock feeds. */
  channelPartners(): readonly PartnerConfig[] {
    return [...this.byId.values()].filter(
      (p) => p.allocation !== undefined && p.status === PartnerStatus.Active,
    );
  }

  /** Whether an active partner holds a scope. Suspended partners hold none. */
  hasScope(partner: PartnerConfig | string, scope: string): boolean {
    const p = typeof partner === 'string' ? this.byId.get(partner) : partner;
    return p !== undefined && p.status === PartnerStatus.Active && p.scopes.includes(scope);
  }

  /** Whether the partner may send (inbound) or receive (outbound) a document type in a format. */
  allowsDocument(
    partnerId: string,
    type: string,
    direction: 'inbound' | 'outbound',
    format: DocumentFormat,
  ): boolean {
    const p = this.byId.get(partnerId);
    return (
      p?.documents.some((d) => d.type === type && d.direction === direction && d.formats.includes(format)) ??
      false
    );
  }

  /**
   * The Odoo external id of one of our customers as the partner's mapping set names it (orders.state and
   * the reconciler know the customer by our id, the Odoo command by its external id).
   */
  customerExternalIdOf(partnerId: string, customerId: string): string | undefined {
    const set = this.byId.get(partnerId)?.mappingSet;
    const customers = set === undefined ? undefined : this.sets.get(set)?.customers;
    for (const customer of customers?.values() ?? []) {
      if (customer.customerId === customerId) return customer.odooExternalId;
    }
    return undefined;
  }

  hasMappingSet(mappingSet: string): boolean {
    return this.sets.has(mappingSet);
  }

  /** How the partner lays out its documents: its mapping set's layout, else Tradewind's standard. */
  layoutOf(partnerId: string): SalesOrderLayout {
    const set = this.byId.get(partnerId)?.mappingSet;
    return (set === undefined ? undefined : this.sets.get(set)?.layout) ?? STANDARD_LAYOUT;
  }

  /** Whether the set maps ship-to codes to delivery addresses (then an unlisted code is a problem). */
  mapsShipTos(mappingSet: string): boolean {
    return this.sets.get(mappingSet)?.shipTos !== undefined;
  }

  resolveShipTo(mappingSet: string, partnerCode: string): ResolvedShipTo | undefined {
    const found = this.sets.get(mappingSet)?.shipTos?.get(partnerCode);
    return found === undefined
      ? undefined
      : { customerId: found.customerId, odooExternalId: found.odooExternalId };
  }

  /** The customers a mapping set names (canonical ids and Odoo external ids), e.g. whose invoices a partner gets. */
  customersOf(mappingSet: string): readonly ResolvedCustomer[] {
    return [...(this.sets.get(mappingSet)?.customers.values() ?? [])].map((c) => ({
      customerId: c.customerId,
      odooExternalId: c.odooExternalId,
    }));
  }

  /** Partners whose invoices are exported (an `invoicing` rule). */
  invoicedPartners(): readonly PartnerConfig[] {
    return this.partners().filter(
      (partner) => partner.invoicing !== undefined && partner.status === PartnerStatus.Active,
    );
  }

  resolveCustomer(mappingSet: string, partnerCode: string): ResolvedCustomer | undefined {
    const found = this.sets.get(mappingSet)?.customers.get(partnerCode);
    return found === undefined
      ? undefined
      : { customerId: found.customerId, odooExternalId: found.odooExternalId };
  }

  /**
   * The canonical SKU for a partner item id. With a qualifier only that kind of id is looked up;
   * without one the partner's SKU, then our SKU, then the GTIN. `other` ids never resolve.
   */
  resolveItem(
    mappingSet: string,
    partnerItemId: string,
    qualifier?: ItemIdQualifier,
  ): ResolvedItem | undefined {
    const set = this.sets.get(mappingSet);
    if (set === undefined) return undefined;
    const order = qualifier === undefined ? LOOKUP_ORDER : LOOKUP_ORDER.filter((q) => q === qualifier);
    for (const q of order) {
      const found = set.items.get(itemKey(q, partnerItemId));
      if (found !== undefined) {
        return {
          sku: found.sku,
          uomFactor: found.uomFactor ?? 1,
          qualifier: found.qualifier,
          partnerItemId: found.partnerItemId,
        };
      }
    }
    return undefined;
  }

  /**
   * A partner quantity in canonical Units: the item's own conversion for the unit when it has one,
   * else the mapping set's, times the item's pack factor. Undefined when the unit is unknown.
   */
  convertQuantity(
    mappingSet: string,
    quantity: number,
    uom: string,
    item?: ResolvedItem,
  ): ConvertedQuantity | undefined {
    const set = this.sets.get(mappingSet);
    if (set === undefined) return undefined;
    const own =
      item === undefined
        ? undefined
        : this.itemUoms.get(`${mappingSet}/${itemKey(item.qualifier, item.partnerItemId)}`);
    const unitFactor = own?.get(uom) ?? set.uoms.get(uom);
    if (unitFactor === undefined) return undefined;
    const factor = unitFactor * (item?.uomFactor ?? 1);
    // Round away binary noise (0.1 * 3) without hiding genuinely fractional results.
    return { quantity: Number((quantity * factor).toFixed(9)), uom: CANONICAL_UOM, factor };
  }
}
