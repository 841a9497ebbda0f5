// A re-drive's progress: its status (canary, running, paused, sent, stopped) and its orders' answers.
import { Controller, Get, Header, Inject, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';

import { RedriveService } from './redrive.service';
import type { RedriveSummary } from './redrive.store';

@Controller('v1/reconciliation/redrives')
export class RedriveController {
  constructor(@Inject(RedriveService) private readonly redrives: RedriveService) {}

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<RedriveSummary> {
    const summary = await this.redrives.summary(id);
    if (summary === undefined)
      throw new NotFoundException({ code: 'REDRIVE_NOT_FOUND', message: `no re-drive ${id}` });
    return summary;
  }
}
