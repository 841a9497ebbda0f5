// X12 856 ship notice / manifest (004010), read and built. Generic over who ships: a 3PL telling us what left
// its warehouse, a supplier telling us what it sent. The HL hierarchy is read as shipment → order → pack
// (tare → pack allowed) → item; an item may hang under its order directly (no packing level). Segments we
// read per level: shipment BSN, TD5 (carrier SCAC), REF (CN tracking, BM bill of lading), DTM*011 (shipped),
// N1 (ship-from/ship-to); order PRF (PO number), N1*BY (buyer); pack MAN (GM = SSCC-18, CP = tracking);
// item LIN (line number + qualifier/id pairs), SN1 (shipped quantity and unit, ordered quantity).
import { type DocumentProblem, DocumentProblemCode, type ProblemLocation } from './document-problem';
import { hasGs1CheckDigit } from './field-values';
import type { X12EnvelopeRef } from './partner-sales-order';
import {
  isoToX12Date,
  writeInterchange,
  x12Number,
  type X12OutboundEnvelope,
  type X12SegmentSpec,
} from './x12-envelope';
import type { X12SegmentRef, X12SetRead } from './x12-interchange.reader';
import { readX12Sets, X12SetReader, type X12SetsRead } from './x12-transaction-sets';

/** Limits of what one 856 may carry (004010 element lengths where they are smaller). */
export const SHIP_NOTICE_LIMITS = Object.freeze({
  shipmentIdLength: 30, // BSN02
  poNumberLength: 22, // PRF01
  referenceLength: 30, // REF02
  markLength: 48, // MAN02
  itemIdLength: 48, // LIN03...
  lineNumberLength: 20, // LIN01
  scacLength: 4, // TD503 (SCAC is 2-4 letters)
  partyCodeLength: 80, // N104
  maxQuantity: 1_000_000_000,
  hierarchyLevels: 10_000,
});

/** An item id with the X12 qualifier it came with (VP vendor part, BP buyer part, UP/EN/UK GTIN...). */
export interface ShipNoticeItemId {
  readonly qualifier: string;
  readonly value: string;
}

export interface ShipNoticeItem {
  /** HL01 of the item level. */
  readonly hl: string;
  /** LIN01: the order line (PO101) this item ships, when sent. */
  readonly lineNumber?: string;
  readonly itemIds: readonly ShipNoticeItemId[];
  /** SN102, in `uom`. */
  readonly quantity: number;
  /** SN103 (EA, CA...). */
  readonly uom: string;
  /** SN105 quantity ordered, when sent. */
  readonly orderedQuantity?: number;
  readonly at?: ProblemLocation;
}

export interface ShipNoticePack {
  readonly hl: string;
  /** HL03: P (pack) or T (tare, a pallet). */
  readonly level: 'P' | 'T';
  /** MAN*GM: SSCC-18 of the label, 18 digits with a valid GS1 check digit. */
  readonly sscc?: string;
  /** MAN*CP / REF*CN of the pack: the carrier's tracking number of this package. */
  readonly trackingNumber?: string;
  /** HL01 of the tare this pack is on, when packed on one. */
  readonly parentHl?: string;
  readonly items: readonly ShipNoticeItem[];
}

export interface ShipNoticeOrder {
  readonly hl: string;
  /** PRF01. */
  readonly poNumber: string;
  /** N1*BY: the buyer's code (N104) with its qualifier (N103), when sent. */
  readonly buyer?: { readonly qualifier: string; readonly code: string };
  readonly packs: readonly ShipNoticePack[];
  /** Items directly under the order (no packing level). */
  readonly items: readonly ShipNoticeItem[];
}

export interface ShipNotice {
  /** BSN01: 00 original, 05 replace, 01 cancellation... */
  readonly purpose: string;
  /** BSN02: the shipper's shipment id (the businessRef). */
  readonly shipmentId: string;
  /** DTM*011 (shipped) when sent, else BSN03: YYYY-MM-DD. */
  readonly shipDate: string;
  /** BSN04 as HH:MM:SS when sent. */
  readonly shipTime?: string;
  /** TD503 (SCAC) when sent. */
  readonly carrier?: string;
  /** REF*CN of the shipment (master tracking / PRO number). */
  readonly trackingNumber?: string;
  /** REF*BM. */
  readonly billOfLading?: string;
  /** N1*SF / N1*ST codes (N104), when sent. */
  readonly shipFrom?: string;
  readonly shipTo?: string;
  readonly orders: readonly ShipNoticeOrder[];
  readonly x12?: X12EnvelopeRef;
}

export type X12ShipNoticesRead = X12SetsRead<ShipNotice>;

/** Reads an interchange of 856s: one entry per set, every problem located. Never throws for partner input. */
export function readX12ShipNotices(bytes: Uint8Array): X12ShipNoticesRead {
  return readX12Sets(bytes, {
    functionalId: 'SH',
    transactionSetId: '856',
    description: 'ship notice',
    read: readShipNotice,
  });
}

const LEVELS = new Set(['S', 'O', 'T', 'P', 'I']);
/** Which level each level may hang under. */
const PARENTS: Readonly<Record<string, readonly string[]>> = {
  S: [],
  O: ['S'],
  T: ['O'],
  P: ['O', 'T'],
  I: ['O', 'P', 'T'],
};

interface Level {
  readonly hl: string;
  readonly parent: string;
  readonly code: string;
  readonly ref: X12SegmentRef;
  readonly segments: X12SegmentRef[];
}

function readShipNotice(
  set: X12SetRead,
  envelope: X12EnvelopeRef,
): { record: ShipNotice | undefined; businessRef: string | undefined; problems: DocumentProblem[] } {
  const r = new X12SetReader(set);
  const L = SHIP_NOTICE_LIMITS;
  const bsn = set.body.find((s) => s.tag === 'BSN');
  let shipmentId: string | undefined;
  let purpose = '00';
  let bsnDate: string | undefined;
  let shipTime: string | undefined;
  if (bsn === undefined) {
    r.missingSegment('BSN', 'BSN segment (beginning of the ship notice)');
  } else {
    purpose = r.value(bsn, 1) || '00';
    shipmentId = r.identifier(bsn, 2, 'shipment identification', L.shipmentIdLength);
    bsnDate = r.date(bsn, 3, 'date');
    shipTime = r.time(bsn, 4, 'time', false);
  }

  // The hierarchy: each HL opens a level that holds the segments up to the next HL (or CTT).
  const levels: Level[] = [];
  const byId = new Map<string, Level>();
  let current: Level | undefined;
  let ctt: X12SegmentRef | undefined;
  for (const segment of set.body) {
    if (segment.tag === 'HL') {
      const hl = r.value(segment, 1);
      const parent = r.value(segment, 2);
      const code = r.value(segment, 3);
      current = { hl, parent, code, ref: segment, segments: [] };
      if (hl === '') {
        r.report(
          DocumentProblemCode.X12MissingElement,
          'HL01 (hierarchical id) is required.',
          r.at(segment, 1),
        );
      } else if (byId.has(hl)) {
        r.report(
          DocumentProblemCode.X12InvalidCode,
          `HL01 "${hl}" is used twice in the set.`,
          r.at(segment, 1),
        );
      }
      if (!LEVELS.has(code)) {
        r.report(
          DocumentProblemCode.X12InvalidCode,
          `HL03 "${code}" is not a level of this ship notice (S shipment, O order, T tare, P pack, I item).`,
          r.at(segment, 3),
        );
      } else if (code === 'S') {
        if (parent !== '')
          r.report(
            DocumentProblemCode.X12InvalidCode,
            'The shipment level (HL03 S) has no parent (HL02).',
            r.at(segment, 2),
          );
        if (levels.some((l) => l.code === 'S'))
          r.report(
            DocumentProblemCode.X12InvalidCode,
            'A ship notice has one shipment level (HL03 S).',
            r.at(segment, 3),
          );
      } else {
        const up = byId.get(parent);
        if (up === undefined) {
          r.report(
            DocumentProblemCode.X12InvalidCode,
            `HL02 "${parent}" names no earlier level of this set.`,
            r.at(segment, parent === '' ? 2 : 2),
          );
        } else if (!(PARENTS[code] ?? []).includes(up.code)) {
          r.report(
            DocumentProblemCode.X12InvalidCode,
            `A level ${code} cannot hang under a level ${up.code} (HL02 "${parent}"); the hierarchy is shipment → order → pack → item.`,
            r.at(segment, 2),
          );
        }
      }
      if (hl !== '' && !byId.has(hl)) byId.set(hl, current);
      levels.push(current);
      if (levels.length > L.hierarchyLevels) {
        r.report(
          DocumentProblemCode.OutOfRange,
          `A ship notice holds at most ${L.hierarchyLevels} levels.`,
          r.at(segment),
        );
        break;
      }
    } else if (segment.tag === 'CTT') {
      ctt = segment;
      current = undefined;
    } else if (current !== undefined) {
      current.segments.push(segment);
    } else if (segment.tag !== 'BSN' && segment.tag !== 'DTM') {
      r.report(
        DocumentProblemCode.X12UnexpectedSegment,
        `${segment.tag} is outside the HL hierarchy.`,
        r.at(segment),
      );
    }
  }
  const shipment = levels.find((l) => l.code === 'S');
  if (levels.length > 0 && levels[0].code !== 'S') {
    r.report(
      DocumentProblemCode.X12InvalidCode,
      'The first level must be the shipment (HL03 S).',
      r.at(levels[0].ref, 3),
    );
  }
  if (shipment === undefined && levels.length === 0)
    r.missingSegment('HL', 'HL hierarchy', bsn ?? set.header);
  if (ctt !== undefined) {
    const declared = r.value(ctt, 1);
    if (declared !== '' && declared !== String(levels.length)) {
      r.report(
        DocumentProblemCode.X12LineCountMismatch,
        `CTT01 says ${declared} HL levels; the set holds ${levels.length}.`,
        r.at(ctt, 1),
      );
    }
  }

  // Shipment level: carrier, references, dates, parties.
  let carrier: string | undefined;
  let trackingNumber: string | undefined;
  let billOfLading: string | undefined;
  let shippedOn: string | undefined;
  let shipFrom: string | undefined;
  let shipTo: string | undefined;
  const shipmentSegments = [...(shipment?.segments ?? []), ...set.body.filter((s) => s.tag === 'DTM')];
  for (const s of shipmentSegments) {
    switch (s.tag) {
      case 'TD5': {
        const scac = r.optionalIdentifier(s, 3, 'carrier SCAC', L.scacLength);
        if (scac !== undefined) carrier = scac;
        break;
      }
      case 'REF': {
        const qualifier = r.value(s, 1);
        if (qualifier === 'CN')
          trackingNumber = r.identifier(s, 2, 'carrier reference (tracking)', L.referenceLength);
        if (qualifier === 'BM') billOfLading = r.identifier(s, 2, 'bill of lading', L.referenceLength);
        break;
      }
      case 'DTM':
        if (r.value(s, 1) === '011' && shippedOn === undefined) shippedOn = r.date(s, 2, 'shipped date');
        break;
      case 'N1': {
        const role = r.value(s, 1);
        if (role === 'SF') shipFrom = r.optionalIdentifier(s, 4, 'ship-from code', L.partyCodeLength);
        if (role === 'ST') shipTo = r.optionalIdentifier(s, 4, 'ship-to code', L.partyCodeLength);
        break;
      }
      default:
        break;
    }
  }

  // Orders, packs and items, by their parents.
  const items = new Map<string, ShipNoticeItem[]>();
  for (const level of levels.filter((l) => l.code === 'I')) {
    const item = readItem(r, level);
    if (item === undefined) continue;
    const list = items.get(level.parent) ?? [];
    list.push(item);
    items.set(level.parent, list);
  }
  const packsOf = new Map<string, ShipNoticePack[]>();
  const tareOf = new Map<string, string>();
  for (const level of levels.filter((l) => l.code === 'T' || l.code === 'P')) {
    const up = byId.get(level.parent);
    const orderHl = up?.code === 'T' ? up.parent : level.parent;
    if (up?.code === 'T') tareOf.set(level.hl, up.hl);
    const pack = readPack(r, level, items.get(level.hl) ?? [], tareOf.get(level.hl));
    const list = packsOf.get(orderHl) ?? [];
    list.push(pack);
    packsOf.set(orderHl, list);
  }
  const orders: ShipNoticeOrder[] = [];
  for (const level of levels.filter((l) => l.code === 'O')) {
    const prf = level.segments.find((s) => s.tag === 'PRF');
    if (prf === undefined) {
      r.missingSegment('PRF', `PRF segment (purchase order number) in order level HL ${level.hl}`, level.ref);
      continue;
    }
    const poNumber = r.identifier(prf, 1, 'purchase order number', L.poNumberLength);
    const by = level.segments.find((s) => s.tag === 'N1' && r.value(s, 1) === 'BY');
    const buyerCode =
      by === undefined ? undefined : r.optionalIdentifier(by, 4, 'buyer code', L.partyCodeLength);
    const packs = packsOf.get(level.hl) ?? [];
    const direct = items.get(level.hl) ?? [];
    if (packs.every((p) => p.items.length === 0) && direct.length === 0) {
      r.report(
        DocumentProblemCode.X12MissingSegment,
        `Order level HL ${level.hl} ships no item (no HL03 I under it).`,
        r.at(level.ref),
      );
    }
    if (poNumber === undefined) continue;
    orders.push({
      hl: level.hl,
      poNumber,
      ...(buyerCode === undefined || by === undefined
        ? {}
        : { buyer: { qualifier: r.value(by, 3), code: buyerCode } }),
      packs,
      items: direct,
    });
  }
  if (shipment !== undefined && !levels.some((l) => l.code === 'O')) {
    r.report(
      DocumentProblemCode.X12MissingSegment,
      'The ship notice names no order (HL03 O).',
      r.at(shipment.ref),
    );
  }
  const shipDate = shippedOn ?? bsnDate;
  if (shipmentId === undefined || shipDate === undefined || r.problems.length > 0) {
    return { record: undefined, businessRef: shipmentId, problems: r.problems };
  }
  return {
    businessRef: shipmentId,
    problems: r.problems,
    record: Object.freeze({
      purpose,
      shipmentId,
      shipDate,
      ...(shipTime === undefined ? {} : { shipTime }),
      ...(carrier === undefined ? {} : { carrier }),
      ...(trackingNumber === undefined ? {} : { trackingNumber }),
      ...(billOfLading === undefined ? {} : { billOfLading }),
      ...(shipFrom === undefined ? {} : { shipFrom }),
      ...(shipTo === undefined ? {} : { shipTo }),
      orders,
      x12: envelope,
    }),
  };
}

function readPack(
  r: X12SetReader,
  level: Level,
  items: ShipNoticeItem[],
  tare: string | undefined,
): ShipNoticePack {
  let sscc: string | undefined;
  let trackingNumber: string | undefined;
  for (const s of level.segments) {
    if (s.tag === 'MAN') {
      const qualifier = r.value(s, 1);
      if (qualifier === 'GM') {
        const mark = r.identifier(s, 2, 'SSCC', SHIP_NOTICE_LIMITS.markLength);
        // Labels often print the application identifier (00) in front of the 18 digits.
        const digits = mark?.length === 20 && mark.startsWith('00') ? mark.slice(2) : mark;
        if (digits !== undefined && !(/^\d{18}$/.test(digits) && hasGs1CheckDigit(digits))) {
          r.report(
            DocumentProblemCode.X12InvalidCode,
            `MAN02 "${mark}" is not an SSCC-18 (18 digits with a GS1 check digit).`,
            r.at(s, 2),
          );
        } else if (digits !== undefined) {
          sscc = digits;
        }
      } else if (qualifier === 'CP') {
        trackingNumber = r.identifier(s, 2, 'package tracking number', SHIP_NOTICE_LIMITS.markLength);
      }
    } else if (s.tag === 'REF' && r.value(s, 1) === 'CN' && trackingNumber === undefined) {
      trackingNumber = r.identifier(s, 2, 'package tracking number', SHIP_NOTICE_LIMITS.referenceLength);
    }
  }
  return {
    hl: level.hl,
    level: level.code === 'T' ? 'T' : 'P',
    ...(sscc === undefined ? {} : { sscc }),
    ...(trackingNumber === undefined ? {} : { trackingNumber }),
    ...(tare === undefined ? {} : { parentHl: tare }),
    items,
  };
}

function readItem(r: X12SetReader, level: Level): ShipNoticeItem | undefined {
  const L = SHIP_NOTICE_LIMITS;
  const lin = level.segments.find((s) => s.tag === 'LIN');
  const sn1 = level.segments.find((s) => s.tag === 'SN1');
  if (lin === undefined) {
    r.missingSegment('LIN', `LIN segment (item identification) in item level HL ${level.hl}`, level.ref);
  }
  if (sn1 === undefined) {
    r.missingSegment('SN1', `SN1 segment (quantity shipped) in item level HL ${level.hl}`, lin ?? level.ref);
  }
  if (lin === undefined || sn1 === undefined) return undefined;
  const lineNumber = r.optionalIdentifier(lin, 1, 'line number', L.lineNumberLength);
  const itemIds: ShipNoticeItemId[] = [];
  for (let e = 2; e < lin.elements.length + 1; e += 2) {
    const qualifier = r.value(lin, e);
    if (qualifier === '') continue;
    const value = r.identifier(lin, e + 1, `product id (${qualifier})`, L.itemIdLength);
    if (value !== undefined) itemIds.push({ qualifier, value });
  }
  if (itemIds.length === 0) {
    r.report(
      DocumentProblemCode.X12MissingElement,
      'LIN02/LIN03 (product id) is required.',
      r.at(lin, 2),
      lineNumber,
    );
  }
  const quantity = r.quantity(sn1, 2, 'number of units shipped', L.maxQuantity, lineNumber);
  const uom = r.identifier(sn1, 3, 'unit of measure', 2);
  const ordered =
    r.value(sn1, 5) === '' ? undefined : r.quantity(sn1, 5, 'quantity ordered', L.maxQuantity, lineNumber);
  if (quantity === undefined || uom === undefined) return undefined;
  return {
    hl: level.hl,
    ...(lineNumber === undefined ? {} : { lineNumber }),
    itemIds,
    quantity,
    uom,
    ...(ordered === undefined ? {} : { orderedQuantity: ordered }),
    at: r.at(sn1, 2),
  };
}

/** What an 856 built by us says: a ship notice without the read-only parts (levels are numbered for you). */
export type ShipNoticeInput = Omit<ShipNotice, 'x12' | 'orders'> & {
  readonly orders: readonly {
    readonly poNumber: string;
    readonly buyer?: { readonly qualifier: string; readonly code: string };
    readonly packs: readonly {
      readonly sscc?: string;
      readonly trackingNumber?: string;
      readonly items: readonly Omit<ShipNoticeItem, 'hl' | 'at'>[];
    }[];
    readonly items?: readonly Omit<ShipNoticeItem, 'hl' | 'at'>[];
  }[];
};

/**
 * The 856 interchange for one or more ship notices (functional group SH, one set each), BSN05 0001
 * (shipment, order, packaging, item). HL ids count from 1 in each set; CTT01 is the number of HL levels.
 */
export function buildX12ShipNotice(
  notices: readonly ShipNoticeInput[],
  envelope: X12OutboundEnvelope,
): string {
  return writeInterchange(
    envelope,
    'SH',
    notices.map((notice) => ({ transactionSetId: '856', segments: shipNoticeSegments(notice) })),
  );
}

function shipNoticeSegments(notice: ShipNoticeInput): X12SegmentSpec[] {
  const time = notice.shipTime === undefined ? '' : notice.shipTime.replace(/:/g, '').slice(0, 6);
  const segments: X12SegmentSpec[] = [
    ['BSN', [notice.purpose, notice.shipmentId, isoToX12Date(notice.shipDate), time || '0000', '0001']],
  ];
  let hl = 0;
  const next = (): string => String(++hl);
  const shipmentHl = next();
  segments.push(['HL', [shipmentHl, '', 'S']]);
  if (notice.carrier !== undefined) segments.push(['TD5', ['', '2', notice.carrier]]);
  if (notice.trackingNumber !== undefined) segments.push(['REF', ['CN', notice.trackingNumber]]);
  if (notice.billOfLading !== undefined) segments.push(['REF', ['BM', notice.billOfLading]]);
  segments.push(['DTM', ['011', isoToX12Date(notice.shipDate)]]);
  if (notice.shipFrom !== undefined) segments.push(['N1', ['SF', '', '92', notice.shipFrom]]);
  if (notice.shipTo !== undefined) segments.push(['N1', ['ST', '', '92', notice.shipTo]]);
  const item = (parent: string, i: Omit<ShipNoticeItem, 'hl' | 'at'>): X12SegmentSpec[] => [
    ['HL', [next(), parent, 'I']],
    ['LIN', [i.lineNumber ?? '', ...i.itemIds.flatMap((id) => [id.qualifier, id.value])]],
    [
      'SN1',
      [
        '',
        x12Number(i.quantity),
        i.uom,
        '',
        i.orderedQuantity === undefined ? '' : x12Number(i.orderedQuantity),
        i.orderedQuantity === undefined ? '' : i.uom,
      ],
    ],
  ];
  for (const order of notice.orders) {
    const orderHl = next();
    segments.push(['HL', [orderHl, shipmentHl, 'O']], ['PRF', [order.poNumber]]);
    if (order.buyer !== undefined) segments.push(['N1', ['BY', '', order.buyer.qualifier, order.buyer.code]]);
    for (const pack of order.packs) {
      const packHl = next();
      segments.push(['HL', [packHl, orderHl, 'P']]);
      if (pack.sscc !== undefined) segments.push(['MAN', ['GM', pack.sscc]]);
      if (pack.trackingNumber !== undefined) segments.push(['MAN', ['CP', pack.trackingNumber]]);
      for (const i of pack.items) segments.push(...item(packHl, i));
    }
    for (const i of order.items ?? []) segments.push(...item(orderHl, i));
  }
  segments.push(['CTT', [String(hl)]]);
  return segments;
}

/** The SSCC-18 of a serial under a GS1 company prefix: extension digit + prefix + serial + check digit. */
export function ssccOf(extension: number, companyPrefix: string, serial: number): string {
  const body = `${extension}${companyPrefix}${String(serial).padStart(16 - companyPrefix.length, '0')}`;
  if (!/^\d{17}$/.test(body)) throw new RangeError(`SSCC body must be 17 digits: ${body}`);
  for (let check = 0; check <= 9; check++) if (hasGs1CheckDigit(`${body}${check}`)) return `${body}${check}`;
  throw new RangeError('unreachable: one check digit fits');
}
