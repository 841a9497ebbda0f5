import { Controller, Get, Inject, Param, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { PartnerCatalog } from '@tradewind/partner-catalog';
import type { Request, Response } from 'express';

import { PartnerAuthService } from '../auth/partner-auth.service';
import { ProofDocuments } from '../documents/proof-documents.repository';
import { authorizeRead } from '../documents/submission-policy';
import { exchangeOf } from '../exchange/exchange';
import { GatewayErrorCode, GatewayException } from '../gateway.exception';
import { PARTNER_CATALOG } from '../gateway.tokens';
import { ApiProblem, ApiSignedRequest } from '../openapi/openapi';

@ApiTags('proofs of delivery')
@Controller('v1')
export class ProofsController {
  constructor(
    @Inject(PartnerAuthService) private readonly auth: PartnerAuthService,
    @Inject(PARTNER_CATALOG) private readonly catalog: PartnerCatalog,
    @Inject(ProofDocuments) private readonly proofs: ProofDocuments,
  ) {}

  @Get('proofs-of-delivery/:sha256')
  @ApiOperation({
    summary: 'A proof-of-delivery document (signature image, PDF), by the SHA-256 shipments.state names',
    description:
      'Readable by the carrier that sent it and by the customers whose orders the delivered shipment ' +
      'carries. Anyone else, and any unknown hash, answers the same 404.',
  })
  @ApiParam({ name: 'sha256', description: 'Hex SHA-256 of the document (proofOfDelivery.sha256)' })
  @ApiSignedRequest()
  @ApiResponse({ status: 200, description: 'The document bytes, with their content type' })
  @ApiProblem(404, 'Unknown, or not yours to read')
  async proof(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Param('sha256') sha256: string,
  ): Promise<StreamableFile> {
    const exchange = exchangeOf(req);
    exchange.route = 'GET /v1/proofs-of-delivery/:sha256';
    exchange.action = 'proof-of-delivery.read';
    const call = await this.auth.authenticate(req, res);
    authorizeRead(this.catalog, call.partner);
    const found = /^[0-9a-f]{64}$/.test(sha256) ? await this.proofs.read(sha256, call.partner.id) : undefined;
    if (found === undefined) {
      throw new GatewayException(
        GatewayErrorCode.ProofNotFound,
        `No proof of delivery ${sha256.slice(0, 64)} for ${call.partner.id}.`,
        {
          policy: 'proofs-of-delivery:entitled-partners',
        },
      );
    }
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-disposition', `attachment; filename="pod-${sha256.slice(0, 12)}"`);
    return new StreamableFile(found.bytes, { type: found.contentType, length: found.bytes.length });
  }
}
