// The gateway in process on port 0 against the real Kafka, registry and PostgreSQL, for tests that drive
// it over HTTP: signed requests for the test partners, and what it publishes on ingress.documents.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@tradewind/config';
import { type IngressDocument, TOPICS } from '@tradewind/contracts';
import { AvroSerde, createKafka } from '@tradewind/messaging';
import { testStack, uniqueName } from '@tradewind/testing';
import type { Consumer, Kafka } from 'kafkajs';
import { Pool } from 'pg';

import { createGatewayApp } from '../gateway.app';
import { gatewayConfig } from '../gateway.config';
import { REPO_CATALOG_DIR, signRequest, TEST_KEYS, testCredentialSources } from './gateway-fixtures';

export type KeyId = keyof typeof TEST_KEYS;

export interface Reply {
  /** The HTTP status, or 0 when the connection was reset before an answer. */
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The JSON body, when it is JSON. */
  readonly body: Record<string, unknown>;
}

export interface RequestOptions {
  readonly body?: string | Buffer;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  /** Sign this path instead of the one requested (a wrong signature). */
  readonly signedPath?: string;
}

export interface GatewayHarness {
  readonly base: string;
  send(keyId: KeyId, method: 'GET' | 'POST', path: string, options?: RequestOptions): Promise<Reply>;
  /**
   * POSTs a body the gateway refuses from its Content-Length alone, reading the answer before sending the
   * body: fetch would write on into a closed connection and see a reset instead of the 413.
   */
  sendHeadersFirst(keyId: KeyId, path: string, body: Buffer, contentType: string): Promise<number>;
  /** Document ids seen on ingress.documents since the harness started. */
  readonly published: Set<string>;
  close(): Promise<void>;
}

/**
 * Starts the gateway with the repository's catalog. `unlimitedRate` lifts the partners' rate limits (a
 * copy of the catalog), for tests that send thousands of requests and are not about the limiter.
 */
export async function startGateway(options: { unlimitedRate?: boolean } = {}): Promise<GatewayHarness> {
  const stack = testStack();
  const schema = uniqueName('gw_h');
  const serviceName = uniqueName('ingress-gateway-h');
  const readerGroup = uniqueName('gateway-h-reader');
  let catalogDir = REPO_CATALOG_DIR;
  if (options.unlimitedRate === true) {
    catalogDir = mkdtempSync(join(tmpdir(), 'tw-catalog-'));
    cpSync(REPO_CATALOG_DIR, catalogDir, { recursive: true });
    const file = join(catalogDir, 'catalog.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        /rateLimit: \{[^}]*\}/g,
        'rateLimit: { requestsPerSecond: 100000, burst: 100000 }',
      ),
    );
  }

  const kafka: Kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'gateway-harness' });
  const serde = new AvroSerde({ registryUrl: stack.registryUrl });
  const published = new Set<string>();
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(TOPICS.ingressDocuments);
  await admin.disconnect();
  const consumer: Consumer = kafka.consumer({ groupId: readerGroup });
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPICS.ingressDocuments], fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      const { value } = await serde.decode<IngressDocument>(message.value);
      published.add(value.documentId);
    },
  });
  for (const { partition, offset } of ends)
    consumer.seek({ topic: TOPICS.ingressDocuments, partition, offset });

  const sources = testCredentialSources();
  const config = loadConfig(gatewayConfig, {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.registryUrl,
    DATABASE_URL: stack.databaseUrl,
    DATABASE_SCHEMA: schema,
    // Headroom for thousands of concurrent requests on a shared, loaded PostgreSQL.
    DATABASE_POOL_SIZE: '10',
    SERVICE_NAME: serviceName,
    // TW_TEST_LOG_LEVEL=error shows what the gateway logs about a failing request.
    LOG_LEVEL: process.env.TW_TEST_LOG_LEVEL ?? 'fatal',
    PARTNER_CATALOG_DIR: catalogDir,
    GATEWAY_SECRETS_ROOT: sources.secretsRoot,
  });
  const app: NestExpressApplication = await createGatewayApp(config.values, {
    credentialEnv: sources.env,
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  async function send(
    keyId: KeyId,
    method: 'GET' | 'POST',
    path: string,
    request: RequestOptions = {},
  ): Promise<Reply> {
    const signed = signRequest({
      apiKey: TEST_KEYS[keyId],
      method,
      pathWithQuery: request.signedPath ?? path,
      body: request.body,
    });
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        body: request.body,
        headers: {
          ...signed,
          ...(request.contentType === undefined ? {} : { 'content-type': request.contentType }),
          ...request.headers,
        },
      });
    } catch (error) {
      // No answer at all (the connection was reset): status 0, for the caller to count or retry.
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
        return { status: 0, headers: new Headers(), text: `connection reset (${String(code)})`, body: {} };
      }
      throw error;
    }
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      body = {};
    }
    return { status: response.status, headers: response.headers, text, body };
  }

  function sendHeadersFirst(keyId: KeyId, path: string, body: Buffer, contentType: string): Promise<number> {
    const signed = signRequest({ apiKey: TEST_KEYS[keyId], method: 'POST', pathWithQuery: path, body });
    const url = new URL(path, base);
    return new Promise<number>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: { ...signed, 'content-type': contentType, 'content-length': String(body.length) },
      });
      const late = setTimeout(() => req.end(body), 2_000);
      req.on('response', (res) => {
        clearTimeout(late);
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', (error) => {
        clearTimeout(late);
        reject(error);
      });
      req.flushHeaders();
    });
  }

  async function close(): Promise<void> {
    await app.close();
    await consumer.disconnect();
    const cleanup = kafka.admin();
    await cleanup.connect();
    const derived = (await cleanup.listTopics()).filter((t) => t.includes(serviceName));
    if (derived.length > 0) await cleanup.deleteTopics({ topics: derived });
    const groups = (await cleanup.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(serviceName) || g === readerGroup);
    await cleanup.deleteGroups(groups).catch(() => undefined);
    await cleanup.disconnect();
    const pool = new Pool({ connectionString: stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    if (catalogDir !== REPO_CATALOG_DIR) rmSync(catalogDir, { recursive: true, force: true });
  }

  return { base, send, sendHeadersFirst, published, close };
}
