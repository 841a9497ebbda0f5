// The real schema registry behind a proxy that demands basic auth: a 401 to any request without the
// expected credentials (counted), everything else forwarded. For tests of clients that must send them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SECURED_REGISTRY_USER = 'tradewind';
export const SECURED_REGISTRY_PASSWORD = 'registry-secret';

export interface SecuredRegistry {
  readonly server: Server;
  /** The registry's URL (same path as `target`) through the proxy. */
  readonly url: string;
  /** Requests refused for missing or wrong credentials so far. */
  refused(): number;
  close(): Promise<void>;
}

export async function securedRegistry(target: string): Promise<SecuredRegistry> {
  const expected = `Basic ${Buffer.from(`${SECURED_REGISTRY_USER}:${SECURED_REGISTRY_PASSWORD}`).toString('base64')}`;
  const origin = new URL(target).origin;
  let refused = 0;
  const server = createServer((request, response) => {
    if (request.headers.authorization !== expected) {
      refused++;
      response.writeHead(401, { 'www-authenticate': 'Basic realm="registry"' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      fetch(`${origin}${request.url ?? '/'}`, {
        method: request.method,
        headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      })
        .then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
          response.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => response.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}${new URL(target).pathname}`,
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive clients would hold close() open
      }),
  };
}
