// X12 214 transportation carrier shipment status (004010), read: one set per shipment, one event per LX
// loop's AT7. The shipment is named as in every shipment document: B1003 (SCAC), B1001 (the carrier's
// reference: tracking or PRO number), and its ship date from a G62 with qualifier 86 (actual pickup) or 11
// (shipped on) before the first LX; B1002 is the shipper's shipment id (the 856's BSN02). AT701 is the status
// code, AT702 its reason, AT705/AT706/AT707 date, time and time code (a time zone; LT, local time, names
// none and is refused: an event we cannot place in time cannot be ordered).
import { type DocumentProblem, DocumentProblemCode } from './document-problem';
import type { X12EnvelopeRef } from './partner-sales-order';
import { type CarrierEvent, digestEventId, SHIPMENT_LIMITS } from './shipment-document';
import type { X12SegmentRef, X12SetRead } from './x12-interchange.reader';
import { readX12Sets, X12SetReader, type X12SetsRead } from './x12-transaction-sets';

/** A 214 set: the shipment's events in the order sent. */
export interface ShipmentStatusMessage {
  readonly carrier: string;
  readonly trackingNumber: string;
  readonly shipDate: string;
  readonly shipmentRef?: string;
  readonly events: readonly CarrierEvent[];
  readonly x12?: X12EnvelopeRef;
}

export type X12ShipmentStatusRead = X12SetsRead<ShipmentStatusMessage>;

/** AT707 time codes and their UTC offsets. */
export const X12_TIME_CODES: Readonly<Record<string, string>> = Object.freeze({
  UT: '+00:00',
  GM: '+00:00',
  Z: '+00:00',
  AT: '-04:00',
  AD: '-03:00',
  ET: '-05:00',
  ED: '-04:00',
  CT: '-06:00',
  CD: '-05:00',
  MT: '-07:00',
  MD: '-06:00',
  PT: '-08:00',
  PD: '-07:00',
  AS: '-09:00',
  HT: '-10:00',
});

export function readX12ShipmentStatus(bytes: Uint8Array): X12ShipmentStatusRead {
  return readX12Sets(bytes, {
    functionalId: 'QM',
    transactionSetId: '214',
    description: 'shipment status message',
    read: readStatus,
  });
}

function readStatus(
  set: X12SetRead,
  envelope: X12EnvelopeRef,
): {
  record: ShipmentStatusMessage | undefined;
  businessRef: string | undefined;
  problems: DocumentProblem[];
} {
  const r = new X12SetReader(set);
  const L = SHIPMENT_LIMITS;
  const b10 = set.body.find((s) => s.tag === 'B10');
  let trackingNumber: string | undefined;
  let shipmentRef: string | undefined;
  let carrier: string | undefined;
  if (b10 === undefined) r.missingSegment('B10', 'B10 segment (beginning of the shipment status)');
  else {
    trackingNumber = r.identifier(b10, 1, 'carrier reference (tracking or PRO number)', L.trackingLength);
    shipmentRef = r.optionalIdentifier(b10, 2, 'shipment identification', L.idLength);
    carrier = r.identifier(b10, 3, 'carrier SCAC', 4);
  }
  const firstLx = set.body.findIndex((s) => s.tag === 'LX');
  const header = firstLx < 0 ? set.body : set.body.slice(0, firstLx);
  const g62 = header.find((s) => s.tag === 'G62' && ['86', '11'].includes(r.value(s, 1)));
  let shipDate: string | undefined;
  if (g62 === undefined)
    r.missingSegment('G62', 'G62*86 or G62*11 (ship date) before its first LX', b10 ?? set.header);
  else shipDate = r.date(g62, 2, 'ship date');

  const loops: X12SegmentRef[][] = [];
  for (const segment of firstLx < 0 ? [] : set.body.slice(firstLx)) {
    if (segment.tag === 'LX') loops.push([segment]);
    else loops.at(-1)?.push(segment);
  }
  if (loops.length === 0) r.missingSegment('LX', 'LX loop with an AT7 status', g62 ?? b10 ?? set.header);
  if (loops.length > L.eventsPerDocument)
    r.report(
      DocumentProblemCode.OutOfRange,
      `A 214 holds at most ${L.eventsPerDocument} status loops.`,
      r.at(loops[0][0]),
    );
  const events: CarrierEvent[] = [];
  for (const loop of loops.slice(0, L.eventsPerDocument)) {
    const at7 = loop.find((s) => s.tag === 'AT7');
    if (at7 === undefined) {
      r.missingSegment('AT7', `AT7 (shipment status) in LX ${r.value(loop[0], 1)}`, loop[0]);
      continue;
    }
    const status = r.identifier(at7, 1, 'shipment status code', 2);
    const reasonCode = r.optionalIdentifier(at7, 2, 'shipment status reason', 2);
    const date = r.date(at7, 5, 'date');
    const time = r.time(at7, 6, 'time', true);
    const zone = r.value(at7, 7) || 'UT';
    const offset = X12_TIME_CODES[zone];
    if (offset === undefined) {
      r.report(
        DocumentProblemCode.X12InvalidCode,
        zone === 'LT'
          ? 'AT707 LT (local time) names no time zone, so the event cannot be ordered; send UT or a zone code (ET, CT, MT, PT...).'
          : `AT707 "${zone}" is not a time code we know (${Object.keys(X12_TIME_CODES).join(', ')}).`,
        r.at(at7, 7),
      );
    }
    const ms1 = loop.find((s) => s.tag === 'MS1');
    const city = ms1 === undefined ? undefined : r.optionalIdentifier(ms1, 1, 'city', 30);
    const region = ms1 === undefined ? undefined : r.optionalIdentifier(ms1, 2, 'state or province', 2);
    const country = ms1 === undefined ? undefined : r.optionalIdentifier(ms1, 3, 'country', 3);
    if (
      status === undefined ||
      date === undefined ||
      time === undefined ||
      offset === undefined ||
      carrier === undefined ||
      trackingNumber === undefined ||
      shipDate === undefined
    )
      continue;
    const eventTime = `${date}T${time}${offset === '+00:00' ? 'Z' : offset}`;
    const eventTimeMs = Date.parse(eventTime);
    const location = {
      ...(city === undefined ? {} : { city }),
      ...(region === undefined ? {} : { region }),
      ...(country === undefined ? {} : { country }),
    };
    events.push(
      Object.freeze({
        eventId: digestEventId([
          carrier,
          trackingNumber,
          shipDate,
          status,
          reasonCode ?? '',
          String(eventTimeMs),
        ]),
        carrier,
        trackingNumber,
        shipDate,
        ...(shipmentRef === undefined ? {} : { shipmentRef }),
        status,
        ...(reasonCode === undefined ? {} : { reason: reasonCode }),
        eventTime,
        eventTimeMs,
        ...(Object.keys(location).length === 0 ? {} : { location }),
        at: r.at(at7, 1),
      }),
    );
  }
  const businessRef = shipmentRef ?? trackingNumber;
  if (
    r.problems.length > 0 ||
    carrier === undefined ||
    trackingNumber === undefined ||
    shipDate === undefined
  ) {
    return { record: undefined, businessRef, problems: r.problems };
  }
  return {
    businessRef,
    problems: r.problems,
    record: Object.freeze({
      carrier,
      trackingNumber,
      shipDate,
      ...(shipmentRef === undefined ? {} : { shipmentRef }),
      events,
      x12: envelope,
    }),
  };
}
