// Odoo's "Send Webhook Notification" (base_automation, ir.actions.server state webhook) posts one record per
// request: `_model`, `_id` and `_action` always, plus the rule's selected fields as `record.read(fields,
// load=None)` gives them (a many2one as its bare id, or false when empty). A webhook is a hint: it names
// the record that changed, and the service reads the record itself from Odoo with the read-only key.
import { type DocumentProblem, DocumentProblemCode, problem } from './document-problem';
import { readJsonDocument } from './json-structure';
import type { SupplierRead } from './supplier-responses.reader';

/** The record an Odoo webhook names, and the fields it carries besides. */
export interface OdooWebhookEvent {
  readonly id: number;
  readonly fields: Readonly<Record<string, unknown>>;
}

const isId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/** Reads an Odoo webhook body that must name a record of `model`: `{"_model": model, "_id": 12, ...}`. */
export function readOdooWebhook(bytes: Uint8Array, model: string): SupplierRead<OdooWebhookEvent> {
  const read = readJsonDocument(bytes);
  if (!read.ok) return { ok: false, problems: read.problems };
  if (read.duplicateKeys.length > 0) return { ok: false, problems: read.duplicateKeys };
  const body = read.value;
  const doc = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<
    string,
    unknown
  >;
  const problems: DocumentProblem[] = [];
  if (doc._model !== model)
    problems.push(
      problem(DocumentProblemCode.SchemaViolation, `_model must be "${model}".`, {
        kind: 'json',
        pointer: '/_model',
      }),
    );
  if (!isId(doc._id))
    problems.push(
      problem(DocumentProblemCode.SchemaViolation, `_id must be the ${model} id (a positive integer).`, {
        kind: 'json',
        pointer: '/_id',
      }),
    );
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, documents: [{ id: doc._id as number, fields: doc }] };
}

/** What Odoo's webhook on stock.quant names: the quant, and its product when the rule selects product_id. */
export interface OdooStockQuantEvent {
  readonly quantId: number;
  /** product_id as read with load=None (the bare id); undefined when not selected or empty (false). */
  readonly productId: number | undefined;
}

/**
 * Reads Odoo's webhook on stock.quant: `{"_model": "stock.quant", "_id": 7, "product_id": 12, ...}`. The
 * product is worth selecting: Odoo unlinks a quant that drops to zero, and then only its product says
 * which SKU to compare.
 */
export function readStockQuantEvent(bytes: Uint8Array): SupplierRead<OdooStockQuantEvent> {
  const read = readOdooWebhook(bytes, 'stock.quant');
  if (!read.ok) return read;
  const [{ id, fields }] = read.documents;
  const product = fields.product_id;
  if (product !== undefined && product !== false && !isId(product))
    return {
      ok: false,
      problems: [
        problem(
          DocumentProblemCode.SchemaViolation,
          'product_id must be the product.product id (a positive integer) or false.',
          { kind: 'json', pointer: '/product_id' },
        ),
      ],
    };
  return { ok: true, documents: [{ quantId: id, productId: isId(product) ? product : undefined }] };
}
