import { Controller, Get, Header, Res } from '@nestjs/common';
import { metricsRegistry } from '@tradewind/observability';
import type { Response } from 'express';

@Controller('metrics')
export class MetricsController {
  /** Prometheus text exposition of metricsRegistry. */
  @Get()
  @Header('Cache-Control', 'no-store')
  async metrics(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.setHeader('Content-Type', metricsRegistry.contentType);
    return metricsRegistry.metrics();
  }
}
