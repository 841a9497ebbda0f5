// Builds each endpoint's sender from the catalog: secrets resolved from their references, overrides
// (DELIVERY_ENDPOINT_OVERRIDES) applied. An endpoint whose secrets cannot be read is listed, not started:
// its documents wait in the queue, every other endpoint delivers.
import type { Environment } from '@tradewind/config';
import { type DeliveryEndpoint, resolveSecretReferences } from '@tradewind/partner-catalog';

import type { EndpointOverrides } from '../partner-delivery.config';
import { PartnerDeliveryErrorCode, PartnerDeliveryException } from '../partner-delivery.exception';
import type { ChannelSender } from './channel-sender';
import { SftpSender } from './sftp.sender';
import { WebhookSender } from './webhook.sender';

export interface ReadyEndpoint {
  readonly endpoint: DeliveryEndpoint;
  readonly sender: ChannelSender;
  /** Where it sends (for logs and metrics; no secrets). */
  readonly target: string;
}

export interface UnusableEndpoint {
  readonly endpoint: DeliveryEndpoint;
  readonly reason: string;
}

const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

export function buildEndpoints(
  endpoints: readonly DeliveryEndpoint[],
  options: { overrides: EndpointOverrides; secretsRoot: string; env?: Environment },
): { ready: ReadyEndpoint[]; unusable: UnusableEndpoint[] } {
  for (const key of Object.keys(options.overrides)) {
    if (!endpoints.some((e) => e.key === key)) {
      throw new PartnerDeliveryException(
        PartnerDeliveryErrorCode.UnknownEndpoint,
        `DELIVERY_ENDPOINT_OVERRIDES names ${key}, which is not an endpoint of the catalog's delivery.yaml`,
      );
    }
  }
  const refs = endpoints.flatMap((e) => {
    const c = e.channel;
    const desc = `Delivery secret of endpoint ${e.key}`;
    if (c.kind === 'webhook') {
      return [c.webhook.signingSecretRef, c.webhook.authHeader?.valueRef]
        .filter((r): r is string => r !== undefined)
        .map((ref) => ({ ref, desc }));
    }
    return [
      c.sftp.privateKeyRef,
      c.sftp.passwordRef,
      c.sftp.hostKey.startsWith('SHA256:') ? undefined : c.sftp.hostKey,
    ]
      .filter((r): r is string => r !== undefined)
      .map((ref) => ({ ref, desc }));
  });
  const secrets = resolveSecretReferences(refs, { secretsRoot: options.secretsRoot, env: options.env });
  const ready: ReadyEndpoint[] = [];
  const unusable: UnusableEndpoint[] = [];
  for (const endpoint of endpoints) {
    const missing: string[] = [];
    const secret = (ref: string | undefined): string | undefined => {
      if (ref === undefined) return undefined;
      const found = secrets.get(ref);
      if (found === undefined || 'reason' in found) {
        missing.push(`${ref}: ${found === undefined ? 'not resolved' : found.reason}`);
        return undefined;
      }
      return found.value;
    };
    const override = options.overrides[endpoint.key] ?? {};
    const c = endpoint.channel;
    let built: Omit<ReadyEndpoint, 'endpoint'> | undefined;
    if (c.kind === 'webhook') {
      const signingSecret = secret(c.webhook.signingSecretRef);
      const authValue = secret(c.webhook.authHeader?.valueRef);
      const url = override.url ?? c.webhook.url;
      if (missing.length === 0) {
        built = {
          target: url,
          sender: new WebhookSender({
            url,
            signer: { keyId: c.webhook.signingKeyId, signingSecret: signingSecret! },
            ...(c.webhook.authHeader === undefined
              ? {}
              : { authHeader: { name: c.webhook.authHeader.name, value: authValue! } }),
            maxResponseBytes: c.webhook.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
          }),
        };
      }
    } else {
      const privateKey = secret(c.sftp.privateKeyRef);
      const password = secret(c.sftp.passwordRef);
      const hostKey =
        override.hostKey ?? (c.sftp.hostKey.startsWith('SHA256:') ? c.sftp.hostKey : secret(c.sftp.hostKey));
      const host = override.host ?? c.sftp.host;
      const port = override.port ?? c.sftp.port;
      if (missing.length === 0) {
        built = {
          target: `sftp://${override.username ?? c.sftp.username}@${host}:${port}/${c.sftp.remoteDir}`,
          sender: new SftpSender({
            host,
            port,
            username: override.username ?? c.sftp.username,
            ...(privateKey === undefined ? {} : { privateKey }),
            ...(password === undefined ? {} : { password }),
            hostKey: hostKey!.trim(),
            remoteDir: c.sftp.remoteDir,
            fileName: c.sftp.fileName,
            timeoutMs: endpoint.timeoutMs,
          }),
        };
      }
    }
    if (built === undefined) unusable.push({ endpoint, reason: missing.join('; ') });
    else ready.push({ endpoint, ...built });
  }
  return { ready, unusable };
}
