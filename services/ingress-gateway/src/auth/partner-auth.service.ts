import { Inject, Injectable } from '@nestjs/common';
import { annotateCorrelation } from '@tradewind/observability';
import type { Request, Response } from 'express';

import { API_VERSION } from '../api-version';
import { exchangeOf } from '../exchange/exchange';
import { readBodyWithin } from '../limits/body-reader';
import { applyDeprecation, partnerDeprecation } from '../versioning/deprecation';
import { type AuthenticatedCall, RequestAuthenticator } from './request-authenticator';

/** The HTTP side of authentication: reads the Express request, notes the partner everywhere it matters. */
@Injectable()
export class PartnerAuthService {
  constructor(@Inject(RequestAuthenticator) private readonly authenticator: RequestAuthenticator) {}

  async authenticate(
    req: Request,
    res: Response,
    options: { deferNonce?: boolean } = {},
  ): Promise<AuthenticatedCall> {
    const exchange = exchangeOf(req);
    const call = await this.authenticator.authenticate(
      {
        method: req.method,
        pathWithQuery: req.originalUrl,
        headers: req.headers,
        readBody: (limit, policy) => readBodyWithin(req, limit, policy),
      },
      exchange,
      options,
    );
    annotateCorrelation({ partnerId: call.partner.id });
    applyDeprecation(res, partnerDeprecation(call.partner, API_VERSION));
    return call;
  }
}
