// Ready-made checks for the platform's three dependencies. Each one asks the dependency a cheap
// question that proves it serves requests, not only that a port is open.
import { type Admin, Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { Client } from 'pg';

import { ObservabilityErrorCode, ObservabilityException } from '../observability.exception';
import type { ReadinessCheck } from './readiness';

interface CheckOptions {
  name?: string;
  timeoutMs?: number;
}

/**
 * Kafka answers a cluster description. With the service's connected kafkajs Admin the check reuses
 * its connection; with broker addresses (or a KafkaConfig, for TLS/SASL) it connects for each check.
 */
export function kafkaReadiness(
  source: Admin | readonly string[] | KafkaConfig,
  options: CheckOptions = {},
): ReadinessCheck {
  const name = options.name ?? 'kafka';
  if (isAdmin(source)) {
    return {
      name,
      timeoutMs: options.timeoutMs,
      check: async () => requireBrokers(await source.describeCluster()),
    };
  }
  const config: KafkaConfig = isBrokerList(source) ? { brokers: [...source] } : source;
  return {
    name,
    timeoutMs: options.timeoutMs,
    async check(signal) {
      const admin = new Kafka({
        ...config,
        clientId: config.clientId ?? 'readiness-check',
        // The outcome is reported by /health/ready; kafkajs' own retries and console logs would only delay it.
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        connectionTimeout: Math.min(config.connectionTimeout ?? 1_000, options.timeoutMs ?? 1_000),
      }).admin();
      const disconnect = (): void => void admin.disconnect().catch(() => undefined);
      signal.addEventListener('abort', disconnect, { once: true });
      try {
        await admin.connect();
        requireBrokers(await admin.describeCluster());
      } finally {
        signal.removeEventListener('abort', disconnect);
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}

/** The schema registry answers `GET {url}/config` (Confluent API; Apicurio's ccompat serves it too). */
export function registryReadiness(
  url: string,
  options: CheckOptions & { username?: string; password?: string } = {},
): ReadinessCheck {
  const endpoint = `${url.replace(/\/+$/, '')}/config`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
  }
  return {
    name: options.name ?? 'schema-registry',
    timeoutMs: options.timeoutMs,
    async check(signal) {
      const response = await fetch(endpoint, { headers, signal });
      await response.body?.cancel();
      if (!response.ok) {
        throw new ObservabilityException(
          ObservabilityErrorCode.CheckFailed,
          `GET ${endpoint} answered ${response.status}`,
        );
      }
    },
  };
}

/** Something that runs SQL: a pg Pool or Client, or a TypeORM DataSource. */
export interface Queryable {
  query(sql: string): Promise<unknown>;
  /** TypeORM's DataSource: queries fail until initialized. */
  readonly isInitialized?: boolean;
}

/** PostgreSQL runs `select 1` through the service's pool (or DataSource), or a fresh connection to `url`. */
export function databaseReadiness(source: Queryable | string, options: CheckOptions = {}): ReadinessCheck {
  const name = options.name ?? 'database';
  if (typeof source !== 'string') {
    return {
      name,
      timeoutMs: options.timeoutMs,
      async check() {
        if (source.isInitialized === false) {
          throw new ObservabilityException(ObservabilityErrorCode.CheckFailed, 'data source not initialized');
        }
        await source.query('select 1');
      },
    };
  }
  return {
    name,
    timeoutMs: options.timeoutMs,
    async check(signal) {
      const client = new Client({
        connectionString: source,
        connectionTimeoutMillis: options.timeoutMs ?? 2_000,
      });
      client.on('error', () => undefined); // a dropped connection is reported by the query below
      const end = (): void => void client.end().catch(() => undefined);
      signal.addEventListener('abort', end, { once: true });
      try {
        await client.connect();
        await client.query('select 1');
      } finally {
        signal.removeEventListener('abort', end);
        await client.end().catch(() => undefined);
      }
    },
  };
}

function isAdmin(source: unknown): source is Admin {
  return typeof (source as Partial<Admin>).describeCluster === 'function';
}

function isBrokerList(source: readonly string[] | KafkaConfig): source is readonly string[] {
  return Array.isArray(source);
}

function requireBrokers(cluster: { brokers: readonly unknown[] }): void {
  if (cluster.brokers.length === 0) {
    throw new ObservabilityException(ObservabilityErrorCode.CheckFailed, 'cluster reports no brokers');
  }
}
