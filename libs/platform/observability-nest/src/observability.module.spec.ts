// The module inside a real Nest application on an ephemeral local port, called with fetch.
import 'reflect-metadata';

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { Controller, Get, type INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  captureLogs,
  counter,
  currentCorrelation,
  parseTraceparent,
  type ReadinessCheck,
  type ReadinessReport,
  registryReadiness,
} from '@tradewind/observability';

import { PinoLoggerService } from './logging/pino-logger.service';
import { ObservabilityModule } from './observability.module';

@Controller('probe')
class ProbeController {
  private readonly log = new Logger(ProbeController.name);

  @Get()
  async probe(): Promise<unknown> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.log.log('probed');
    return currentCorrelation();
  }
}

async function startApp(
  checks: readonly ReadinessCheck[],
  logs: ReturnType<typeof captureLogs>,
): Promise<{ app: INestApplication; url: string }> {
  @Module({
    imports: [
      ObservabilityModule.forRoot({ serviceName: 'obs-spec', readinessChecks: checks, logger: logs.logger }),
    ],
    controllers: [ProbeController],
  })
  class AppModule {}

  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(PinoLoggerService));
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

void describe('ObservabilityModule', () => {
  const logs = captureLogs({ level: 'debug' });
  let failing: { app: INestApplication; url: string };
  let passing: { app: INestApplication; url: string };

  before(async () => {
    const port = await closedPort();
    failing = await startApp(
      [
        { name: 'always-up', check: () => Promise.resolve() },
        registryReadiness(`http://127.0.0.1:${port}/apis/ccompat/v7`, { timeoutMs: 1_000 }),
      ],
      logs,
    );
    // Nest's Logger is process-wide: the last useLogger() wins, so both apps share one capture.
    passing = await startApp([{ name: 'always-up', check: () => Promise.resolve() }], logs);
  });

  after(async () => {
    await failing?.app.close();
    await passing?.app.close();
    Logger.overrideLogger(true);
  });

  void it('serves default metrics and custom counters on GET /metrics', async () => {
    counter({ name: 'tw_test_http_widgets_total', help: 'widgets', labelNames: ['kind'] }).inc({
      kind: 'red',
    });
    const response = await fetch(`${failing.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.match(text, /^# TYPE process_cpu_user_seconds_total counter$/m);
    assert.match(text, /^nodejs_heap_size_used_bytes\{service="obs-spec"\} \d+/m);
    assert.match(text, /^tw_test_http_widgets_total\{kind="red",service="obs-spec"\} 1$/m);
  });

  void it('answers GET /health/live with 200', async () => {
    const response = await fetch(`${failing.url}/health/live`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  void it('answers GET /health/ready with 503 naming the failing check and its error', async () => {
    const response = await fetch(`${failing.url}/health/ready`);
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const report = (await response.json()) as ReadinessReport;
    assert.equal(report.status, 'not_ready');
    const byName = new Map(report.checks.map((c) => [c.name, c]));
    assert.equal(byName.get('always-up')?.status, 'up');
    assert.equal(byName.get('schema-registry')?.status, 'down');
    assert.match(byName.get('schema-registry')?.error ?? '', /ECONNREFUSED/);
  });

  void it('answers GET /health/ready with 200 when every check passes', async () => {
    const response = await fetch(`${passing.url}/health/ready`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as ReadinessReport).status, 'ready');
  });

  void it('runs a request in the caller correlation, echoes it and logs it from Nest loggers', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await fetch(`${failing.url}/probe`, {
      headers: { 'X-Correlation-Id': 'po-4711', traceparent },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-correlation-id'), 'po-4711');
    const context = (await response.json()) as { correlationId: string; traceparent: string };
    assert.equal(context.correlationId, 'po-4711');
    const span = parseTraceparent(context.traceparent);
    assert.equal(span?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.notEqual(span?.parentId, '00f067aa0ba902b7');

    const line = logs.lines().find((l) => l.msg === 'probed' && l.correlationId === 'po-4711');
    assert.ok(line, 'the controller log line carries the correlation id');
    assert.equal(line.context, 'ProbeController');
    assert.equal(line.service, 'obs-spec');
    assert.equal(line.traceparent, context.traceparent);
  });

  void it('creates a correlation id when the caller sends none or an unacceptable one', async () => {
    for (const headers of [
      {},
      { 'X-Correlation-Id': 'has spaces; and "quotes"' },
      { 'X-Correlation-Id': 'x'.repeat(200) },
    ]) {
      const response = await fetch(`${failing.url}/probe`, { headers });
      const id = response.headers.get('x-correlation-id') ?? '';
      assert.match(id, /^[0-9a-f-]{36}$/);
      const context = (await response.json()) as { correlationId: string; traceparent: string };
      assert.equal(context.correlationId, id);
      assert.ok(parseTraceparent(context.traceparent));
    }
  });

  void it("sends Nest's own start-up logs through pino", () => {
    const routes = logs
      .lines()
      .filter((l) => l.context === 'RouterExplorer' || l.context === 'RoutesResolver');
    assert.ok(routes.length > 0, 'Nest route logs are JSON lines');
  });
});
