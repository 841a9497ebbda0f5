import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { CORRELATION_ID_HEADER } from '@tradewind/observability';
import type { NextFunction, Request, Response } from 'express';

import { exchangeOf } from './exchange';
import { ExchangeRecorder } from './exchange-recorder.service';

// Operational endpoints are not partner exchanges: neither audited nor counted as API requests.
const NOT_PARTNER_FACING = /^\/(?:health|metrics|docs)(?:[/?-]|$)/;

/** Status recorded for a request whose client went away before the response was sent (nginx's 499). */
export const CLIENT_CLOSED_REQUEST = 499;

/** Starts the exchange record of every partner-facing request and records it once the response is sent. */
@Injectable()
export class ExchangeMiddleware implements NestMiddleware<Request, Response> {
  constructor(@Inject(ExchangeRecorder) private readonly recorder: ExchangeRecorder) {}

  use(req: Request, res: Response, next: NextFunction): void {
    if (NOT_PARTNER_FACING.test(req.originalUrl)) {
      next();
      return;
    }
    const exchange = exchangeOf(req);
    const started = process.hrtime.bigint();
    let recorded = false;
    const record = (status: number): void => {
      if (recorded) return;
      recorded = true;
      const requestId = res.getHeader(CORRELATION_ID_HEADER);
      void this.recorder.record({
        exchange,
        status,
        durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
        remoteAddress: req.ip ?? req.socket.remoteAddress,
        requestId: typeof requestId === 'string' ? requestId : undefined,
      });
    };
    res.on('finish', () => record(res.statusCode));
    res.on('close', () => {
      if (!res.writableFinished) {
        exchange.outcome ??= 'error';
        exchange.reason ??= 'the client closed the connection before the response';
        record(CLIENT_CLOSED_REQUEST);
      }
    });
    next();
  }
}
