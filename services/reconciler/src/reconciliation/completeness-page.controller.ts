// The business page of the completeness report: /reconciliation (the windows) and
// /reconciliation/windows/<start> (one window's latest run), HTML for people; the JSON API is beside it.
import { Controller, Get, Header, Inject, NotFoundException, Param } from '@nestjs/common';

import { indexPage, windowPage } from './completeness.page';
import { ReconciliationService } from './reconciliation.service';

@Controller('reconciliation')
export class CompletenessPageController {
  constructor(@Inject(ReconciliationService) private readonly service: ReconciliationService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async index(): Promise<string> {
    const runs = await this.service.recent(48);
    return indexPage(runs, (run) => `/reconciliation/windows/${encodeURIComponent(run.windowStart)}`);
  }

  @Get('windows/:start')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async window(@Param('start') start: string): Promise<string> {
    let window: { start: number; end: number };
    try {
      window = this.service.parseWindow(start);
    } catch {
      throw new NotFoundException(`${start} is not a window start`);
    }
    const run = await this.service.latest(window);
    if (run === undefined) throw new NotFoundException(`${start} was never reconciled`);
    return windowPage(run, {
      index: '/reconciliation',
      json: `/v1/reconciliation/windows/${encodeURIComponent(run.windowStart)}`,
    });
  }
}
