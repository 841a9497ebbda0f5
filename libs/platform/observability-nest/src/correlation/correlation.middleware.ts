import { Injectable, type NestMiddleware } from '@nestjs/common';
import { correlationMiddleware, type RequestLike, type ResponseLike } from '@tradewind/observability';

/** correlationMiddleware as a Nest middleware class; ObservabilityModule applies it to every route. */
@Injectable()
export class CorrelationMiddleware implements NestMiddleware<RequestLike, ResponseLike> {
  use(req: RequestLike, res: ResponseLike, next: (error?: unknown) => void): void {
    correlationMiddleware(req, res, next);
  }
}
