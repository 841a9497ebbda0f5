import { Controller, Headers, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { currentCorrelation } from '@tradewind/observability';
import type { Request, Response } from 'express';

import { PartnerAuthService } from '../auth/partner-auth.service';
import { exchangeOf } from '../exchange/exchange';
import { ApiProblem, ApiSignedRequest, PROBLEM_SCHEMA } from '../openapi/openapi';
import { requestInstance } from '../problem/problem-details';
import { DocumentIntakeService } from './document-intake.service';
import { MEDIA_TYPES, SUPPORTED_DOCUMENT_TYPES } from './submission-policy';

@ApiTags('documents')
@Controller('v1/documents')
export class DocumentsController {
  constructor(
    @Inject(PartnerAuthService) private readonly auth: PartnerAuthService,
    @Inject(DocumentIntakeService) private readonly intake: DocumentIntakeService,
  ) {}

  @Post(':documentType')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Submit a business document',
    description:
      'Validates the document and splits it into one transaction per order (several orders of a CSV file or ' +
      'several 850 sets of an X12 interchange share a batch id). Every accepted order is handed to the platform ' +
      'before the 202. Per order by default: when some orders are sound and others are not, the sound ones are ' +
      'accepted (202, `status: partially-accepted`) and each bad one is listed in `refused` with every problem ' +
      'and its exact location; `refused` is always present (empty when all were accepted). When no order can ' +
      'be accepted — every order is bad, the document itself is broken, or the partner is configured ' +
      '`documentPolicy: whole-document` and one order is bad — nothing is accepted and the 422 lists every ' +
      'problem. The batch resource shows the same split. X12 uploads are answered with a 997 (AK5 per ' +
      'transaction set, AK9 A/P/R) or, for an interchange refused as a whole, a TA1 (GET the batch to read it). ' +
      'Stock documents come only from the system of record of stock on hand (403 `not-system-of-record`, ' +
      'naming it, for anyone else): `stock-event` (JSON, one event or `{"events": [...]}`, accepted per event ' +
      "like orders) and `stock-snapshot` (CSV, one snapshot per file, accepted or refused whole). Odoo's " +
      'webhook on stock.quant, `stock-quant-event` (JSON `{"_model": "stock.quant", "_id": ...}`), comes only ' +
      'from Odoo, the internal partner (403 `not-system-of-record` for anyone else).',
  })
  @ApiParam({ name: 'documentType', enum: SUPPORTED_DOCUMENT_TYPES })
  @ApiConsumes(...Object.keys(MEDIA_TYPES))
  @ApiBody({ description: 'The document bytes, UTF-8', schema: { type: 'string', format: 'binary' } })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Same key and same request: the first response again, nothing published twice; different request: 409',
  })
  @ApiSignedRequest()
  @ApiResponse({
    status: 202,
    description:
      'Accepted, wholly or per order; Location names the transaction (one order, none refused) or the batch',
    schema: {
      type: 'object',
      required: ['status', 'batchId', 'trackingIds', 'documents', 'refused', 'links'],
      properties: {
        status: {
          type: 'string',
          enum: ['accepted', 'partially-accepted'],
          description: 'partially-accepted: the orders in `refused` were not accepted; the others were',
        },
        batchId: { type: 'string', format: 'uuid' },
        trackingIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
        documents: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              trackingId: { type: 'string' },
              batchIndex: { type: 'integer' },
              businessRef: { type: 'string', nullable: true },
            },
          },
        },
        refused: {
          type: 'array',
          description: 'Orders not accepted, each with every problem (same items as a problem’s `errors`)',
          items: {
            type: 'object',
            required: ['batchIndex', 'businessRef', 'errors'],
            properties: {
              batchIndex: { type: 'integer', description: 'Position of the order in the upload (0-based)' },
              businessRef: { type: 'string', nullable: true, description: 'PO number when readable' },
              errors: PROBLEM_SCHEMA.properties?.errors ?? { type: 'array' },
            },
          },
        },
        links: {
          type: 'object',
          properties: {
            batch: { type: 'string' },
            transactions: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    },
  })
  @ApiProblem(400, 'Malformed request, Idempotency-Key or non-UTF-8 bytes (with the byte offset)')
  @ApiProblem(404, 'Unknown document type')
  @ApiProblem(
    409,
    'Idempotency-Key reused with a different request, or still in progress; or `duplicate-interchange`: the ' +
      "X12 ISA13 was already received within the partner's window (originalBatchId names the first upload; " +
      'answered with a TA1 or 997 too), and nothing was processed again',
  )
  @ApiProblem(413, 'Body larger than the partner may send')
  @ApiProblem(415, 'Content type not accepted')
  @ApiProblem(
    422,
    'No order could be accepted: `invalid-document` (every problem listed with its location and orderIndex) ' +
      'or `x12-envelope-refused` (ISA08 not us, GS08 version not agreed, ISA15 test interchange in production)',
  )
  @ApiProblem(
    503,
    '`publish-unavailable`: not accepted, the platform cannot take documents right now (Retry-After); nothing will be written. ' +
      '`dependency-unavailable`: a store of the platform is down or saturated (Retry-After); send again with the same Idempotency-Key',
  )
  @ApiProblem(
    504,
    'Outcome unknown: handed over, not yet confirmed (trackingIds); resubmit with the same Idempotency-Key to learn it',
  )
  async submit(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('documentType') documentType: string,
    @Headers('content-type') contentType: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<unknown> {
    const exchange = exchangeOf(req);
    exchange.route = 'POST /v1/documents/:documentType';
    exchange.action = 'document.submit';
    exchange.documentType = documentType;
    // The nonce travels with the upload's first write (one round trip less, decision 0026); whatever
    // answer comes first, it is recorded before the answer, and a used one turns any answer into a 401.
    const call = await this.auth.authenticate(req, res, { deferNonce: true });
    const context = currentCorrelation();
    const requestId = context?.correlationId ?? String(res.getHeader('x-correlation-id'));
    const response = await this.intake
      .submit({
        call,
        documentType,
        contentType,
        idempotencyKey,
        method: req.method,
        // With the query string: `?a=1` and `?a=2` are different requests for the Idempotency-Key.
        path: req.originalUrl,
        requestId,
        traceparent: context?.traceparent,
        instance: requestInstance(requestId),
        exchange,
      })
      .catch(async (error: unknown) => {
        await call.nonce.settle();
        throw error;
      });
    await call.nonce.settle();
    res.status(response.status);
    for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
    return response.body;
  }
}
