// validate_picking with shipped quantities (shipments' ship notices): the order's open delivery gets each
// move's quantity (matched by the product's default_code, the SKU), the carrier's tracking reference, then
// button_validate; when Odoo answers with the backorder wizard (a move below its demand), the wizard's
// `process` validates it and keeps the rest as a backorder. Exactly once per shipment: a done transfer of the
// order carrying the same tracking reference means the shipment was validated already (a replay after a
// crash, a redelivery), so the next open transfer — the backorder — is never validated for it by mistake.
import type { ValidatePickingCommand } from '../commands/validate-picking.command';
import type { OdooGateway } from '../odoo/odoo-gateway';
import { many2oneId } from '../odoo/odoo-values';
import { resolveRefs } from '../odoo/ref-resolver';
import { OdooWriterErrorCode, OdooWriterException } from '../odoo-writer.exception';
import type { Settled } from '../resilience/micro-batcher';
import { missing, stateOf } from './record-actions';
import { SALE_ORDER } from './upsert-sale-order.operation';
import { alreadyDone, refused, type WriteOutcome, written } from './write-operation';

const STOCK_PICKING = 'stock.picking';
const STOCK_MOVE = 'stock.move';
const BACKORDER_WIZARD = 'stock.backorder.confirmation';
const CLOSED = ['done', 'cancel'];

interface Move {
  id: number;
  product_id: unknown;
  product_uom_qty: number;
  state: string;
}

export async function shipPicking(
  command: ValidatePickingCommand,
  odoo: OdooGateway,
): Promise<Settled<WriteOutcome>> {
  const body = command.body;
  const orderXid = body.orderExternalId ?? '';
  const trackingRef = body.carrierTrackingRef;
  const orders = await resolveRefs(odoo, SALE_ORDER, [{ kind: 'xid', xid: orderXid, text: orderXid }]);
  const order = orders.get(orderXid);
  if (order === undefined) return refused(missing('sale order', orderXid));
  const pickings = await odoo.searchRead(
    STOCK_PICKING,
    [['sale_id', '=', order.id]],
    ['state', 'carrier_tracking_ref', 'picking_type_code'],
  );
  const deliveries = pickings.filter((p) => p.picking_type_code === 'outgoing').sort((a, b) => a.id - b.id);
  const validated = deliveries.find(
    (p) => stateOf(p) === 'done' && trackingRef !== null && p.carrier_tracking_ref === trackingRef,
  );
  if (validated !== undefined) return alreadyDone(STOCK_PICKING, validated.id);
  const open = deliveries.find((p) => !CLOSED.includes(stateOf(p)));
  if (open === undefined) {
    return refused(
      new OdooWriterException(
        OdooWriterErrorCode.InvalidState,
        `sale order ${orderXid} has no open delivery to validate for shipment ${trackingRef ?? '(no tracking)'}`,
      ),
    );
  }
  const moves = (await odoo.searchRead(
    STOCK_PICKING.replace('picking', 'move'),
    [['picking_id', '=', open.id]],
    ['product_id', 'product_uom_qty', 'state'],
  )) as unknown as Move[];
  const productIds = [
    ...new Set(moves.map((m) => many2oneId(m.product_id)).filter((id): id is number => id !== undefined)),
  ];
  const products = await odoo.searchRead('product.product', [['id', 'in', productIds]], ['default_code']);
  const skuOf = new Map(
    products.map((p) => [p.id, typeof p.default_code === 'string' ? p.default_code : '']),
  );
  const quantities = new Map<number, number>();
  for (const line of body.moves ?? []) {
    const move = moves.find(
      (m) => !CLOSED.includes(m.state) && skuOf.get(many2oneId(m.product_id) ?? 0) === line.sku,
    );
    if (move === undefined) {
      return refused(
        new OdooWriterException(
          OdooWriterErrorCode.MissingRecord,
          `the open delivery of ${orderXid} has no move of SKU ${line.sku} (shipment ${trackingRef ?? ''})`,
        ),
      );
    }
    quantities.set(move.id, (quantities.get(move.id) ?? 0) + line.quantity);
  }
  // Moves the shipment does not carry ship nothing now: they stay for the backorder.
  for (const move of moves.filter((m) => !CLOSED.includes(m.state)))
    await odoo.write(STOCK_MOVE, [move.id], { quantity: quantities.get(move.id) ?? 0, picked: true });
  if (trackingRef !== null) await odoo.write(STOCK_PICKING, [open.id], { carrier_tracking_ref: trackingRef });
  const answer = await odoo.action(STOCK_PICKING, 'button_validate', [open.id]);
  if (isBackorderWizard(answer)) {
    const [wizard] = await odoo.create(BACKORDER_WIZARD, [{ pick_ids: [[6, 0, [open.id]]] }]);
    await odoo.method(BACKORDER_WIZARD, 'process', [wizard], { context: answer.context ?? {} });
  }
  return written(STOCK_PICKING, open.id);
}

function isBackorderWizard(
  answer: unknown,
): answer is { res_model: string; context?: Record<string, unknown> } {
  return (
    typeof answer === 'object' &&
    answer !== null &&
    (answer as { res_model?: unknown }).res_model === BACKORDER_WIZARD
  );
}
