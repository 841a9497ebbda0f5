import { Controller, Get, Header, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { PartnerCatalog } from '@tradewind/partner-catalog';
import type { Request, Response } from 'express';

import { PartnerAuthService } from '../auth/partner-auth.service';
import { authorizeRead } from '../documents/submission-policy';
import { exchangeOf } from '../exchange/exchange';
import { PARTNER_CATALOG } from '../gateway.tokens';
import { ApiProblem, ApiSignedRequest } from '../openapi/openapi';
import { TransactionQueryService } from './transaction-query.service';

@ApiTags('transactions')
@Controller('v1')
export class TransactionsController {
  constructor(
    @Inject(PartnerAuthService) private readonly auth: PartnerAuthService,
    @Inject(PARTNER_CATALOG) private readonly catalog: PartnerCatalog,
    @Inject(TransactionQueryService) private readonly query: TransactionQueryService,
  ) {}

  @Get('transactions/:trackingId')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'One transaction: lifecycle, rejection reasons, acknowledgements',
    description:
      'received → validated → accepted/rejected → written → confirmed → acknowledged, as the order progresses. ' +
      "Only the caller's own transactions: any other id answers 404.",
  })
  @ApiParam({ name: 'trackingId', description: 'A tracking id from the 202 response' })
  @ApiSignedRequest()
  @ApiResponse({ status: 200, description: 'The transaction' })
  @ApiProblem(404, "Unknown, or another partner's, transaction")
  async transaction(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('trackingId') trackingId: string,
  ): Promise<unknown> {
    const exchange = exchangeOf(req);
    exchange.route = 'GET /v1/transactions/:trackingId';
    exchange.action = 'transaction.read';
    const call = await this.auth.authenticate(req, res);
    authorizeRead(this.catalog, call.partner);
    return this.query.transaction(call.partner, trackingId, exchange);
  }

  @Get('batches/:batchId')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'One upload: its transactions, or its problems, and the acknowledgements (X12 997)',
    description: "Only the caller's own batches: any other id answers 404.",
  })
  @ApiParam({ name: 'batchId', description: 'The batch id from the 202 (or 4xx) response' })
  @ApiSignedRequest()
  @ApiResponse({
    status: 200,
    description:
      'The batch: outcome (accepted, partially-accepted, rejected, publish-failed), its transactions, the ' +
      '`refused` orders with their problems (as in the 202), and the 997/TA1 sent back',
  })
  @ApiProblem(404, "Unknown, or another partner's, batch")
  async batch(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('batchId') batchId: string,
  ): Promise<unknown> {
    const exchange = exchangeOf(req);
    exchange.route = 'GET /v1/batches/:batchId';
    exchange.action = 'batch.read';
    const call = await this.auth.authenticate(req, res);
    authorizeRead(this.catalog, call.partner);
    return this.query.batch(call.partner, batchId, exchange);
  }
}
