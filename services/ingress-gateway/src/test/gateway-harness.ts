// A gateway in process on port 0 against the real Kafka, registry and PostgreSQL, a reader of the topics
// it writes (from their current end), and signed requests as a partner sends them. Restartable on the same
// database schema, to show what survives a restart.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@tradewind/config';
import {
  type IngressDocument,
  type OutboundDocument,
  TOPICS,
  type TopicValueMap,
} from '@tradewind/contracts';
import {
  AvroSerde,
  createKafka,
  decodeHeaders,
  HEADER,
  type RecordHeaders,
  TypedProducer,
} from '@tradewind/messaging';
import { newGroupsStartNow, testStack, uniqueName } from '@tradewind/testing';
import type { Consumer, Kafka } from 'kafkajs';
import { Pool } from 'pg';

import { createGatewayApp } from '../gateway.app';
import { gatewayConfig } from '../gateway.config';
import { REPO_CATALOG_DIR, signRequest, TEST_KEYS, testCredentialSources } from './gateway-fixtures';

export type KeyId = keyof typeof TEST_KEYS;

export interface Seen<V> {
  readonly key: string | null;
  readonly value: V;
  readonly headers: RecordHeaders;
}

export interface Reply {
  /** The HTTP status, or 0 when the connection was reset before an answer. */
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body as received (binary answers: a proof-of-delivery image). */
  readonly bytes?: Buffer;
  /** The JSON body, when it is JSON (otherwise empty). */
  readonly body: Record<string, unknown>;
}

export interface RequestOptions {
  readonly body?: string | Buffer;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  /** Sign this path instead of the one requested (a wrong signature). */
  readonly signedPath?: string;
}

/** A copy of the repository's catalog with text edits (each must match), removed at exit. */
export function editedCatalog(edits: readonly (readonly [from: string | RegExp, to: string])[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-gateway-catalog-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  cpSync(REPO_CATALOG_DIR, dir, { recursive: true });
  const file = join(dir, 'catalog.yaml');
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of edits) {
    const matches = typeof from === 'string' ? text.includes(from) : from.test(text);
    if (!matches) throw new Error(`catalog edit: "${String(from)}" not found`);
    text = text.replace(from, to);
  }
  writeFileSync(file, text);
  return dir;
}

export class GatewayHarness {
  readonly schema = uniqueName('gw_harness');
  readonly ingress: Seen<IngressDocument>[] = [];
  readonly outbound: Seen<OutboundDocument>[] = [];
  private readonly stack = testStack();
  private readonly serviceName = uniqueName('ingress-gateway-harness');
  private readonly readerGroup = uniqueName('gateway-harness-reader');
  private kafka: Kafka | undefined;
  private consumer: Consumer | undefined;
  private app: NestExpressApplication | undefined;
  private baseUrl = '';
  private readonly publishedIds = new Set<string>();

  /** The gateway's base URL while it runs. */
  get base(): string {
    return this.baseUrl;
  }

  /** Document ids seen on ingress.documents since the reader started (kept as records arrive). */
  get published(): ReadonlySet<string> {
    return this.publishedIds;
  }

  /** Starts reading ingress.documents and partners.outbound from their current end. */
  async startReader(): Promise<void> {
    const kafka = createKafka({ brokers: this.stack.kafkaBrokers, clientId: 'gateway-harness' });
    this.kafka = kafka;
    const serde = new AvroSerde({ registryUrl: this.stack.registryUrl });
    const topics = [TOPICS.ingressDocuments, TOPICS.partnersOutbound];
    const admin = kafka.admin();
    await admin.connect();
    const ends = await Promise.all(
      topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })),
    );
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: this.readerGroup });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (!message.value) return;
        const { value } = await serde.decode<never>(message.value);
        const seen = { key: message.key?.toString() ?? null, value, headers: decodeHeaders(message.headers) };
        // Only this harness's gateway's records: other tests publish on the same topics at the same time.
        if (seen.headers[HEADER.sourceSystem] !== this.serviceName) return;
        if (topic === TOPICS.ingressDocuments) {
          this.ingress.push(seen);
          this.publishedIds.add((value as IngressDocument).documentId);
        } else this.outbound.push(seen);
      },
    });
    for (const { topic, offsets } of ends) {
      for (const { partition, offset } of offsets) consumer.seek({ topic, partition, offset });
    }
  }

  /**
   * Starts (or restarts) the gateway on this harness's schema with a catalog directory; `env` sets or
   * overrides configuration variables (a pool of one, a short publish deadline).
   */
  async startGateway(
    catalogDir = REPO_CATALOG_DIR,
    env: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    const sources = testCredentialSources();
    const config = loadConfig(gatewayConfig, {
      KAFKA_BROKERS: this.stack.kafkaBrokers.join(','),
      // The index consumers read only this gateway's acknowledgements and states, not the topics' history.
      KAFKA_NEW_GROUP_START_AT: newGroupsStartNow(),
      SCHEMA_REGISTRY_URL: this.stack.registryUrl,
      DATABASE_URL: this.stack.databaseUrl,
      DATABASE_SCHEMA: this.schema,
      DATABASE_POOL_SIZE: '10',
      SERVICE_NAME: this.serviceName,
      SOURCE_SYSTEM: this.serviceName,
      // TW_TEST_LOG_LEVEL=error shows what the gateway logs about a failing request.
      LOG_LEVEL: process.env.TW_TEST_LOG_LEVEL ?? 'fatal',
      PARTNER_CATALOG_DIR: catalogDir,
      GATEWAY_SECRETS_ROOT: sources.secretsRoot,
      ...env,
    });
    this.app = await createGatewayApp(config.values, {
      credentialEnv: sources.env,
      logger: false,
    });
    await this.app.listen(0, '127.0.0.1');
    this.baseUrl = (await this.app.getUrl()).replace('[::1]', '127.0.0.1');
  }

  /** The running gateway's producer, to play another service's records (purchasing.state). */
  producer(): TypedProducer<TopicValueMap> {
    return this.app!.get(TypedProducer);
  }

  /** An unsigned URL of the running gateway (health, OpenAPI). */
  url(path: string): string {
    return `${this.base}${path}`;
  }

  async stopGateway(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }

  async send(
    keyId: KeyId,
    method: 'GET' | 'POST',
    path: string,
    options: RequestOptions = {},
  ): Promise<Reply> {
    const signed = signRequest({
      keyId,
      method,
      pathWithQuery: options.signedPath ?? path,
      body: options.body,
    });
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        body: options.body,
        headers: {
          ...signed,
          ...(options.contentType === undefined ? {} : { 'content-type': options.contentType }),
          ...options.headers,
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
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      body = {};
    }
    return { status: response.status, headers: response.headers, text, bytes, body };
  }

  /**
   * POSTs a body the gateway refuses from its Content-Length alone, reading the answer before sending the
   * body: fetch would write on into a closed connection and see a reset instead of the 413.
   */
  sendHeadersFirst(keyId: KeyId, path: string, body: Buffer, contentType: string): Promise<number> {
    const signed = signRequest({ keyId, method: 'POST', pathWithQuery: path, body });
    const url = new URL(path, this.baseUrl);
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

  async close(): Promise<void> {
    await this.stopGateway();
    await this.consumer?.disconnect();
    if (this.kafka !== undefined) {
      const admin = this.kafka.admin();
      await admin.connect();
      const derived = (await admin.listTopics()).filter((t) => t.includes(this.serviceName));
      if (derived.length > 0) await admin.deleteTopics({ topics: derived });
      const groups = (await admin.listGroups()).groups
        .map((g) => g.groupId)
        .filter((g) => g.startsWith(this.serviceName) || g === this.readerGroup);
      await admin.deleteGroups(groups).catch(() => undefined);
      await admin.disconnect();
    }
    const pool = new Pool({ connectionString: this.stack.databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    await pool.end();
  }
}

/**
 * A reader and a gateway with the repository's catalog, started. `unlimitedRate` lifts the partners'
 * rate limits (a copy of the catalog), for tests that send thousands of requests and are not about the limiter.
 */
export async function startGateway(options: { unlimitedRate?: boolean } = {}): Promise<GatewayHarness> {
  const harness = new GatewayHarness();
  await harness.startReader();
  await harness.startGateway(
    options.unlimitedRate === true
      ? editedCatalog([[/rateLimit: \{[^}]*\}/g, 'rateLimit: { requestsPerSecond: 100000, burst: 100000 }']])
      : REPO_CATALOG_DIR,
  );
  return harness;
}
