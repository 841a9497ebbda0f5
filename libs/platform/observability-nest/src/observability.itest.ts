// Readiness against the real Kafka, schema registry and PostgreSQL of the local stack.
import 'reflect-metadata';

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { type INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  captureLogs,
  databaseReadiness,
  kafkaReadiness,
  type ReadinessReport,
  registryReadiness,
  runReadinessChecks,
} from '@tradewind/observability';
import { testStack } from '@tradewind/testing';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';

import { PinoLoggerService } from './logging/pino-logger.service';
import { ObservabilityModule } from './observability.module';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

void describe('readiness against the real stack', () => {
  const stack = testStack();
  let pool: Pool;
  let admin: Admin;
  let app: INestApplication;
  let url: string;

  before(async () => {
    pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
    admin = new Kafka({
      brokers: stack.kafkaBrokers,
      clientId: 'observability-itest',
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();

    @Module({
      imports: [
        ObservabilityModule.forRoot({
          serviceName: 'observability-itest',
          logger: captureLogs().logger,
          readinessChecks: [
            kafkaReadiness(stack.kafkaBrokers, { name: 'kafka-brokers', timeoutMs: 10_000 }),
            kafkaReadiness(admin, { name: 'kafka-admin', timeoutMs: 10_000 }),
            registryReadiness(stack.registryUrl, { timeoutMs: 10_000 }),
            databaseReadiness(pool, { name: 'database-pool', timeoutMs: 10_000 }),
            databaseReadiness(stack.databaseUrl, { name: 'database-url', timeoutMs: 10_000 }),
          ],
        }),
      ],
    })
    class AppModule {}

    app = await NestFactory.create(AppModule, { bufferLogs: true });
    app.useLogger(app.get(PinoLoggerService));
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
  });

  after(async () => {
    await app?.close();
    await admin?.disconnect();
    await pool?.end();
    Logger.overrideLogger(true);
  });

  void it('answers /health/ready with 200 when Kafka, the registry and PostgreSQL all answer', async () => {
    const response = await fetch(`${url}/health/ready`);
    const report = (await response.json()) as ReadinessReport;
    assert.equal(response.status, 200, JSON.stringify(report));
    assert.deepEqual(
      report.checks.map((c) => [c.name, c.status]),
      [
        ['kafka-brokers', 'up'],
        ['kafka-admin', 'up'],
        ['schema-registry', 'up'],
        ['database-pool', 'up'],
        ['database-url', 'up'],
      ],
    );
  });

  void it('reports each unreachable dependency as down, within its timeout', async () => {
    const port = await closedPort();
    const { pathname } = new URL(stack.databaseUrl);
    const report = await runReadinessChecks([
      kafkaReadiness([`127.0.0.1:${port}`], { timeoutMs: 3_000 }),
      registryReadiness(`${stack.registryUrl}/no-such-api`, { timeoutMs: 3_000 }),
      databaseReadiness(stack.databaseUrl.replace(pathname, '/tw_no_such_database'), { timeoutMs: 3_000 }),
    ]);
    assert.equal(report.status, 'not_ready');
    const byName = new Map(report.checks.map((c) => [c.name, c]));
    assert.equal(byName.get('kafka')?.status, 'down');
    assert.match(byName.get('schema-registry')?.error ?? '', /answered 404/);
    assert.match(byName.get('database')?.error ?? '', /tw_no_such_database/);
    for (const check of report.checks)
      assert.ok(check.durationMs < 3_500, `${check.name} took ${check.durationMs} ms`);
  });
});
