// A rejected order as an ops.exceptions record: what the ops console queues for a person, with the
// decoded partner order to correct, the business key (later versions supersede it, the order's acceptance
// resolves it) and where the document sat on ingress.documents. The id derives from the order version,
// so a replayed decision yields the same record id.
import { ExceptionKind, type OpsException, TOPICS } from '@tradewind/contracts';

import { uuidFromSeed } from './order-identity';
import type { OrderRecord } from './order-record';

/** Where the rejected document was read (ingress.documents coordinates). */
export interface DocumentSource {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
}

export const ORDER_WORKFLOW = 'order';
export const SALES_ORDER_DOCUMENT = 'sales-order';

export function orderRejectionException(
  order: OrderRecord,
  documentId: string,
  service: string,
  source: DocumentSource | undefined,
  correlationId: string | null,
  at: Date,
): OpsException {
  const problems = order.problems;
  return {
    exceptionId: uuidFromSeed(`exception|${order.orderId}|${order.version}`),
    kind: ExceptionKind.Business,
    code: problems[0]?.code ?? 'REJECTED',
    message:
      `Order ${order.poNumber} of ${order.partnerId} rejected: ${problems.map((p) => p.message).join(' ')}`.slice(
        0,
        4000,
      ),
    service,
    sourceTopic: TOPICS.ingressDocuments,
    sourcePartition: source?.partition ?? -1,
    sourceOffset: source?.offset ?? '',
    sourceKey: source?.key ?? null,
    partnerId: order.partnerId,
    correlationId,
    details: problems.slice(0, 200).map((p) => ({ code: p.code, message: p.message, location: p.location })),
    occurredAt: at.getTime(),
    workflow: ORDER_WORKFLOW,
    documentType: SALES_ORDER_DOCUMENT,
    businessKey: order.orderId,
    documentId,
    documentVersion: order.version,
    record: JSON.stringify(order.partnerOrder),
  };
}
