// A partner's webhook endpoint as tests, the demo and the benchmark need one: a real HTTP server that
// verifies our TW1-HMAC-SHA256 signature, keeps each document once by its Idempotency-Key (a resend is
// answered 200 and counted as a duplicate), remembers the order documents arrived in, and can misbehave
// on demand (refuse connections, answer 500, hang, send a huge body, refuse with 400).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DELIVERY_HEADERS, verifyWebhookSignature, type WebhookSigner } from '@tradewind/partner-auth';

export type ReceiverMode = 'up' | 'error-500' | 'hang' | 'huge-response' | 'reject-400';

export interface ReceivedWebhook {
  readonly deliveryId: string;
  readonly documentType: string;
  readonly attempt: number;
  readonly body: Buffer;
  readonly receivedAt: number;
  readonly headers: IncomingMessage['headers'];
}

export interface WebhookReceiver {
  readonly url: string;
  readonly port: number;
  /** Documents kept, first delivery of each id, in arrival order. */
  readonly received: readonly ReceivedWebhook[];
  /** Deliveries of an id already kept (answered 200, not kept again). */
  readonly duplicates: number;
  /** Requests whose signature did not verify (answered 401). */
  readonly badSignatures: number;
  /** Every request, whatever its answer. */
  readonly requests: number;
  mode: ReceiverMode;
  /** Answers kept documents this much later (a slow but working partner). */
  responseDelayMs: number;
  /** Closes the listening socket (connections are refused) until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: {
  signer: WebhookSigner;
  path?: string;
  port?: number;
}): Promise<WebhookReceiver> {
  const path = options.path ?? '/hooks/tradewind';
  const received: ReceivedWebhook[] = [];
  const seen = new Set<string>();
  const hanging = new Set<ServerResponse>();
  let duplicates = 0;
  let badSignatures = 0;
  let requests = 0;
  let mode: ReceiverMode = 'up';
  let responseDelayMs = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    requests += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    switch (mode) {
      case 'error-500':
        res.writeHead(500).end('internal error');
        return;
      case 'hang':
        hanging.add(res);
        res.once('close', () => hanging.delete(res));
        return;
      case 'huge-response': {
        res.writeHead(503, { 'content-type': 'text/plain' });
        const block = Buffer.alloc(1024 * 1024, 'x');
        // 64 MiB the sender must not read.
        for (let i = 0; i < 64 && !res.destroyed; i++) {
          if (!res.write(block)) await new Promise((r) => res.once('drain', r));
        }
        res.end();
        return;
      }
      case 'reject-400':
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"we do not take these"}');
        return;
      case 'up':
        break;
    }
    const url = req.url ?? '';
    if (!verifyWebhookSignature(options.signer, req.headers, { method: req.method ?? '', path: url, body })) {
      badSignatures += 1;
      res.writeHead(401).end();
      return;
    }
    const deliveryId = String(req.headers[DELIVERY_HEADERS.idempotencyKey] ?? '');
    if (seen.has(deliveryId)) {
      duplicates += 1;
    } else {
      seen.add(deliveryId);
      received.push({
        deliveryId,
        documentType: String(req.headers[DELIVERY_HEADERS.documentType] ?? ''),
        attempt: Number(req.headers[DELIVERY_HEADERS.attempt] ?? 0),
        body,
        receivedAt: Date.now(),
        headers: req.headers,
      });
    }
    if (responseDelayMs > 0) await new Promise((r) => setTimeout(r, responseDelayMs));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  };

  let server: Server | undefined;
  let port = options.port ?? 0;
  const up = async (): Promise<void> => {
    if (server !== undefined) return;
    const s = createServer((req, res) => {
      if (!(req.url ?? '').startsWith(path)) {
        res.writeHead(404).end();
        return;
      }
      handle(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  const down = async (): Promise<void> => {
    const s = server;
    if (s === undefined) return;
    server = undefined;
    for (const res of hanging) res.destroy();
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await up();
  return {
    get url() {
      return `http://127.0.0.1:${port}${path}`;
    },
    get port() {
      return port;
    },
    received,
    get duplicates() {
      return duplicates;
    },
    get badSignatures() {
      return badSignatures;
    },
    get requests() {
      return requests;
    },
    get mode() {
      return mode;
    },
    get responseDelayMs() {
      return responseDelayMs;
    },
    set responseDelayMs(ms: number) {
      responseDelayMs = ms;
    },
    set mode(next: ReceiverMode) {
      mode = next;
      if (next !== 'hang') for (const res of hanging) res.destroy();
    },
    down,
    up,
    close: down,
  };
}
