// The completeness report over HTTP (internal: operations, the business page, the demo), per window.
import {
  BadRequestException,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { assertUnreachable } from '@tradewind/contracts';

import { ReconcilerError, ReconcilerErrorCode } from '../reconciler.exception';
import { RedriveService } from '../redrive/redrive.service';
import { ReconciliationService } from './reconciliation.service';

@Controller('v1/reconciliation/windows')
export class ReconciliationController {
  constructor(
    @Inject(ReconciliationService) private readonly service: ReconciliationService,
    @Inject(RedriveService) private readonly redrives: RedriveService,
  ) {}

  /**
   * Re-drives the window (`?partner=` one partner's): an order missing in Odoo or different there is sent
   * again through odoo.commands (a canary first, rate limited, held while a writer's breaker is open,
   * audited); a duplicate or an Odoo order with no origin is raised on ops.exceptions. Answers 202 with
   * the plan; `GET /v1/reconciliation/redrives/<id>` follows it.
   */
  @Post(':start/redrives')
  @HttpCode(202)
  async redrive(@Param('start') start: string, @Query('partner') partner?: string): Promise<unknown> {
    return this.redrives.redrive(this.window(start), partner === '' ? undefined : partner);
  }

  /** Reconciles the window now and stores its proof. `:start` is an ISO-8601 window start. */
  @Post(':start/runs')
  @HttpCode(201)
  async run(@Param('start') start: string): Promise<unknown> {
    return this.service.run(this.window(start));
  }

  /** The window's latest stored report: verdict, per partner and workflow counts, discrepancies, checksum. */
  @Get(':start')
  @Header('Cache-Control', 'no-store')
  async latest(@Param('start') start: string): Promise<unknown> {
    const run = await this.service.latest(this.window(start));
    if (run === undefined) {
      throw toHttp(
        new ReconcilerError(ReconcilerErrorCode.WindowNotReconciled, `${start} was never reconciled`),
      );
    }
    return run;
  }

  /** Recomputes the window against its stored checksum (stores nothing): does the proof still hold? */
  @Get(':start/verification')
  @Header('Cache-Control', 'no-store')
  async verify(@Param('start') start: string): Promise<unknown> {
    const { stored, recomputed, matches } = await this.service.verify(this.window(start));
    return {
      matches,
      storedChecksum: stored?.report.checksum ?? null,
      storedAt: stored?.computedAt ?? null,
      checksum: recomputed.checksum,
      verdict: recomputed.verdict,
      // Per partner too: a partner's proof holds even while another partner's orders are still arriving.
      partners: recomputed.partners.map((partner) => {
        const before = stored?.report.partners.find(
          (p) => p.partnerId === partner.partnerId && p.workflow === partner.workflow,
        );
        return {
          partnerId: partner.partnerId,
          workflow: partner.workflow,
          verdict: partner.verdict,
          checksum: partner.checksum,
          storedChecksum: before?.checksum ?? null,
          matches: before?.checksum === partner.checksum,
        };
      }),
    };
  }

  private window(start: string) {
    try {
      return this.service.parseWindow(start);
    } catch (error) {
      if (error instanceof ReconcilerError) throw toHttp(error);
      throw error;
    }
  }
}

function toHttp(error: ReconcilerError): Error {
  switch (error.code) {
    case ReconcilerErrorCode.InvalidWindow:
      return new BadRequestException({ code: error.code, message: error.message });
    case ReconcilerErrorCode.WindowNotReconciled:
      return new NotFoundException({ code: error.code, message: error.message });
    default:
      return assertUnreachable(error.code);
  }
}
