// The partners' delivery channels, resolved with their defaults, and which endpoint takes a document.
import {
  DELIVERY_DEFAULTS,
  type DeliveryChannelsFile,
  type DeliveryEndpoint,
  type DeliveryEndpointConfig,
} from './delivery-channels.types';

/** Whether a documentTypes entry (`order-ack`, `x12-*`, `*`) covers `documentType`. */
export function documentTypeMatches(pattern: string, documentType: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return documentType.startsWith(pattern.slice(0, -1));
  return pattern === documentType;
}

/** Every endpoint of the file with the defaults applied (file defaults over the platform's). */
export function resolveDeliveryEndpoints(file: DeliveryChannelsFile): DeliveryEndpoint[] {
  const defaults = file.defaults ?? {};
  return Object.entries(file.partners).flatMap(([partnerId, { endpoints }]) =>
    endpoints.map((e: DeliveryEndpointConfig): DeliveryEndpoint => {
      const channel =
        e.webhook !== undefined
          ? ({ kind: 'webhook', webhook: e.webhook } as const)
          : ({ kind: 'sftp', sftp: e.sftp! } as const);
      return {
        key: `${partnerId}/${e.id}`,
        partnerId,
        id: e.id,
        documentTypes: e.documentTypes,
        channel,
        concurrency: e.concurrency ?? defaults.concurrency ?? DELIVERY_DEFAULTS.concurrency,
        timeoutMs: e.timeoutMs ?? defaults.timeoutMs ?? DELIVERY_DEFAULTS.timeoutMs,
        retry: { ...DELIVERY_DEFAULTS.retry, ...defaults.retry, ...e.retry },
        breaker: { ...DELIVERY_DEFAULTS.breaker, ...defaults.breaker, ...e.breaker },
      };
    }),
  );
}

/** Cross-checks the schema cannot express; each problem with its JSON pointer. */
export function checkDeliveryChannels(
  file: DeliveryChannelsFile,
  partnerIds: ReadonlySet<string>,
): { message: string; path: string; kind: 'unknown-partner' | 'invalid' }[] {
  const problems: { message: string; path: string; kind: 'unknown-partner' | 'invalid' }[] = [];
  for (const [partnerId, { endpoints }] of Object.entries(file.partners)) {
    const at = `/partners/${partnerId}`;
    if (!partnerIds.has(partnerId)) {
      problems.push({
        kind: 'unknown-partner',
        message: `Partner ${partnerId} is not in catalog.yaml.`,
        path: at,
      });
    }
    const ids = new Set<string>();
    const types = new Map<string, string>();
    endpoints.forEach((e, i) => {
      if (ids.has(e.id)) {
        problems.push({
          kind: 'invalid',
          message: `Endpoint id ${e.id} is used twice.`,
          path: `${at}/endpoints/${i}/id`,
        });
      }
      ids.add(e.id);
      e.documentTypes.forEach((t, j) => {
        const first = types.get(t);
        if (first !== undefined) {
          problems.push({
            kind: 'invalid',
            message: `Document type ${t} is routed to ${first} already; the first endpoint would always take it.`,
            path: `${at}/endpoints/${i}/documentTypes/${j}`,
          });
        }
        types.set(t, e.id);
      });
      if ((e.webhook === undefined) === (e.sftp === undefined)) {
        problems.push({
          kind: 'invalid',
          message: 'An endpoint is exactly one channel: webhook or sftp.',
          path: `${at}/endpoints/${i}`,
        });
      }
      if (
        e.sftp !== undefined &&
        (e.sftp.privateKeyRef === undefined) === (e.sftp.passwordRef === undefined)
      ) {
        problems.push({
          kind: 'invalid',
          message: 'An SFTP endpoint authenticates with exactly one of privateKeyRef and passwordRef.',
          path: `${at}/endpoints/${i}/sftp`,
        });
      }
      const retry = { ...DELIVERY_DEFAULTS.retry, ...file.defaults?.retry, ...e.retry };
      if (retry.initialDelayMs > retry.maxDelayMs) {
        problems.push({
          kind: 'invalid',
          message: `retry.initialDelayMs ${retry.initialDelayMs} is above maxDelayMs ${retry.maxDelayMs}.`,
          path: `${at}/endpoints/${i}/retry`,
        });
      }
    });
  }
  return problems;
}

/** The endpoints of every partner and the routing of documents to them. */
export class DeliveryChannels {
  private readonly byPartner: ReadonlyMap<string, readonly DeliveryEndpoint[]>;

  constructor(readonly endpoints: readonly DeliveryEndpoint[]) {
    const byPartner = new Map<string, DeliveryEndpoint[]>();
    for (const e of endpoints) byPartner.set(e.partnerId, [...(byPartner.get(e.partnerId) ?? []), e]);
    this.byPartner = byPartner;
  }

  /** The endpoint that takes `documentType` for the partner: its first whose documentTypes match. */
  endpointFor(partnerId: string, documentType: string): DeliveryEndpoint | undefined {
    return this.byPartner
      .get(partnerId)
      ?.find((e) => e.documentTypes.some((p) => documentTypeMatches(p, documentType)));
  }

  endpoint(key: string): DeliveryEndpoint | undefined {
    return this.endpoints.find((e) => e.key === key);
  }
}
