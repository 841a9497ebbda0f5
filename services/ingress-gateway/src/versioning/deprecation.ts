// Deprecation (RFC 9745) and Sunset (RFC 8594) headers, from route metadata (`@DeprecatedRoute(...)` on a
// route of an old API version) or from the partner catalog (`api.deprecation` of a partner whose version
// is being retired), with a `successor-version` link when there is one.
import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { PartnerConfig } from '@tradewind/partner-catalog';
import type { Response } from 'express';
import type { Observable } from 'rxjs';

export interface DeprecationPolicy {
  /** When the deprecation was (or will be) announced: ISO date or date-time. */
  readonly deprecatedAt: string;
  /** When the route stops answering: ISO date or date-time. */
  readonly sunsetAt?: string;
  /** Where the successor lives (a URI reference or an API version such as `v2`). */
  readonly successor?: string;
  /** Human-readable notice for the `Link` `title`. */
  readonly notice?: string;
}

export const DEPRECATION_METADATA = 'tradewind:deprecation';

/** Marks a route (or a controller) as deprecated; the interceptor answers with the headers. */
export const DeprecatedRoute = (policy: DeprecationPolicy): MethodDecorator & ClassDecorator =>
  SetMetadata(DEPRECATION_METADATA, policy);

/** The headers for a policy: `Deprecation: @<epoch seconds>`, `Sunset: <HTTP-date>`, `Link: <…>; rel="successor-version"`. */
export function deprecationHeaders(policy: DeprecationPolicy): Record<string, string> {
  const headers: Record<string, string> = {
    Deprecation: `@${Math.floor(Date.parse(policy.deprecatedAt) / 1000)}`,
  };
  if (policy.sunsetAt !== undefined) headers.Sunset = new Date(Date.parse(policy.sunsetAt)).toUTCString();
  if (policy.successor !== undefined) {
    const target = /^v\d+$/.test(policy.successor) ? `/${policy.successor}` : policy.successor;
    const title = policy.notice === undefined ? '' : `; title="${policy.notice.replace(/["\\]/g, '')}"`;
    headers.Link = `<${target}>; rel="successor-version"${title}`;
  }
  return headers;
}

/** The policy the catalog sets for a partner still on `apiVersion`, if any. */
export function partnerDeprecation(
  partner: PartnerConfig,
  apiVersion: string,
): DeprecationPolicy | undefined {
  const deprecation = partner.api.deprecation;
  if (deprecation === undefined || partner.api.version !== apiVersion) return undefined;
  return {
    deprecatedAt: deprecation.announcedAt,
    sunsetAt: deprecation.sunsetAt,
    ...(deprecation.successor === undefined ? {} : { successor: deprecation.successor }),
    ...(deprecation.notice === undefined ? {} : { notice: deprecation.notice }),
  };
}

export function applyDeprecation(res: Response, policy: DeprecationPolicy | undefined): void {
  if (policy === undefined) return;
  for (const [name, value] of Object.entries(deprecationHeaders(policy))) res.setHeader(name, value);
}

/** Sets the headers of `@DeprecatedRoute` before the handler runs, so refusals carry them too. */
@Injectable()
export class DeprecationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const policy = this.reflector.getAllAndOverride<DeprecationPolicy | undefined>(DEPRECATION_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (policy !== undefined && context.getType() === 'http') {
      applyDeprecation(context.switchToHttp().getResponse<Response>(), policy);
    }
    return next.handle();
  }
}
