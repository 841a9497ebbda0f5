import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { type ReadinessReport } from '@tradewind/observability';
import type { Response } from 'express';

import { ReadinessService } from './readiness.service';

@Controller('health')
export class HealthController {
  constructor(@Inject(ReadinessService) private readonly readiness: ReadinessService) {}

  /** 200 while the process can answer HTTP at all: restart it only when this fails. */
  @Get('live')
  @Header('Cache-Control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when every readiness check passes in time; 503 naming each failing check otherwise. */
  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessReport> {
    const report = await this.readiness.check();
    res.status(report.status === 'ready' ? 200 : 503);
    return report;
  }
}
