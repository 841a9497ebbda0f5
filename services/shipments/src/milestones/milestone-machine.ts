// The canonical milestone state machine of one shipment, as a pure function of the events recorded for it:
// the events are put in event-time order (not arrival order) and folded. The state moves forward by
// business rank only; an event of a lower rank, or one that arrives late, stays in the history without
// moving the state back; once a terminal milestone is reached in event time, any other milestone after it
// is impossible (a business exception: delivered → in transit). Because the result depends on the set of
// events only, any arrival order of the same events gives the same state — duplicates are removed before
// (the store keeps one row per event key).
import { MilestoneEffect, ShipmentMilestone } from '@tradewind/contracts';

/** Business rank: the state only moves to an equal or higher rank. Equal ranks follow event time. */
export const MILESTONE_RANK: Readonly<Record<ShipmentMilestone, number>> = Object.freeze({
  [ShipmentMilestone.Unknown]: 0,
  [ShipmentMilestone.LabelCreated]: 10,
  [ShipmentMilestone.Shipped]: 20,
  [ShipmentMilestone.InTransit]: 30,
  // A failed attempt, a parcel waiting at a pickup point and a new round out for delivery alternate.
  [ShipmentMilestone.OutForDelivery]: 40,
  [ShipmentMilestone.AvailableForPickup]: 40,
  [ShipmentMilestone.DeliveryFailed]: 40,
  [ShipmentMilestone.Delivered]: 100,
  [ShipmentMilestone.ReturnedToSender]: 100,
  [ShipmentMilestone.Cancelled]: 100,
});

const TERMINAL: ReadonlySet<ShipmentMilestone> = new Set([
  ShipmentMilestone.Delivered,
  ShipmentMilestone.ReturnedToSender,
  ShipmentMilestone.Cancelled,
]);

export function isTerminal(milestone: ShipmentMilestone): boolean {
  return TERMINAL.has(milestone);
}

/** One event as the machine sees it. */
export interface MilestoneEvent {
  /** `<sourcePartnerId>/<eventId>`: unique per shipment. */
  readonly eventKey: string;
  readonly milestone: ShipmentMilestone;
  readonly eventAt: number;
}

export interface MilestoneFold<E extends MilestoneEvent> {
  /** The event holding the state, undefined while no event has a known milestone. */
  readonly current: E | undefined;
  /** Every event in event-time order with what it did. */
  readonly history: readonly { readonly event: E; readonly effect: MilestoneEffect }[];
}

/** Event-time order; at one instant the lower rank first (it happened on the way), then the key. */
export function compareEvents(a: MilestoneEvent, b: MilestoneEvent): number {
  return (
    a.eventAt - b.eventAt ||
    MILESTONE_RANK[a.milestone] - MILESTONE_RANK[b.milestone] ||
    (a.eventKey < b.eventKey ? -1 : a.eventKey > b.eventKey ? 1 : 0)
  );
}

/** Why an event cannot follow the state it meets (undefined: it can). */
export function impossibility(
  current: ShipmentMilestone | undefined,
  next: ShipmentMilestone,
): string | undefined {
  if (current === undefined) return undefined;
  if (isTerminal(current) && next !== current) return `${next} after ${current}, which is terminal`;
  if (
    next === ShipmentMilestone.Cancelled &&
    MILESTONE_RANK[current] >= MILESTONE_RANK[ShipmentMilestone.Shipped]
  )
    return `cancelled after ${current}: a shipment that left cannot be cancelled`;
  return undefined;
}

export function foldMilestones<E extends MilestoneEvent>(events: readonly E[]): MilestoneFold<E> {
  const sorted = [...events].sort(compareEvents);
  let current: E | undefined;
  const history = sorted.map((event) => {
    if (event.milestone === ShipmentMilestone.Unknown) return { event, effect: MilestoneEffect.Recorded };
    if (impossibility(current?.milestone, event.milestone) !== undefined)
      return { event, effect: MilestoneEffect.Impossible };
    if (current === undefined || MILESTONE_RANK[event.milestone] >= MILESTONE_RANK[current.milestone]) {
      // A repeat of the terminal milestone (a second "delivered" scan) is history, not a new state.
      if (current !== undefined && isTerminal(current.milestone))
        return { event, effect: MilestoneEffect.Recorded };
      current = event;
      return { event, effect: MilestoneEffect.Advanced };
    }
    return { event, effect: MilestoneEffect.Recorded };
  });
  return { current, history };
}
