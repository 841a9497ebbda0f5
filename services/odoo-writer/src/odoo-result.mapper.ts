import type { OdooCommand, OdooResult, ResultOutcome } from '@tradewind/contracts';
import { HEADER, type RecordHeaders } from '@tradewind/messaging';
import { currentCorrelation } from '@tradewind/observability';

import { OdooWriterException } from './odoo-writer.exception';

export function okResult(
  command: Pick<OdooCommand, 'commandId' | 'externalId' | 'type'>,
  outcome: Extract<ResultOutcome, 'written' | 'unchanged' | 'already_done'>,
  target: { odooModel: string; odooId: number | null },
  attempts: number,
): OdooResult {
  return {
    commandId: command.commandId,
    externalId: command.externalId,
    type: command.type,
    outcome,
    odooModel: target.odooModel,
    odooId: target.odooId,
    errorClass: null,
    errorMessage: null,
    attempts,
    completedAt: Date.now(),
  };
}

export function errorResult(
  command: Pick<OdooCommand, 'commandId' | 'externalId' | 'type'>,
  outcome: Extract<ResultOutcome, 'business_error' | 'technical_error'>,
  error: unknown,
  attempts: number,
): OdooResult {
  return {
    commandId: command.commandId,
    externalId: command.externalId,
    type: command.type,
    outcome,
    odooModel: null,
    odooId: null,
    errorClass: errorClassOf(error),
    errorMessage: (error instanceof Error ? error.message : String(error)).slice(0, 4000),
    attempts,
    completedAt: Date.now(),
  };
}

/** Odoo's exception name when Odoo raised it, else the writer's error code, else the error's name. */
export function errorClassOf(error: unknown): string {
  if (error instanceof OdooWriterException) return error.odooName ?? error.code;
  if (error instanceof Error)
    return 'code' in error && typeof error.code === 'string' ? error.code : error.name;
  return typeof error;
}

/** Headers of a result: the command's correlation and re-drive, with the command record as its cause. */
export function resultHeaders(commandHeaders: RecordHeaders): Record<string, string> {
  const context = currentCorrelation();
  const headers: Record<string, string> = {};
  const correlationId = context?.correlationId ?? commandHeaders[HEADER.correlationId];
  if (correlationId) headers[HEADER.correlationId] = correlationId;
  if (commandHeaders[HEADER.messageId]) headers[HEADER.causationId] = commandHeaders[HEADER.messageId];
  const partnerId = context?.partnerId ?? commandHeaders[HEADER.partnerId];
  if (partnerId) headers[HEADER.partnerId] = partnerId;
  const traceparent = context?.traceparent ?? commandHeaders[HEADER.traceparent];
  if (traceparent) headers[HEADER.traceparent] = traceparent;
  // A re-drive's commands are not those their order's service issued: the header says whose they are.
  if (commandHeaders[HEADER.redriveId]) headers[HEADER.redriveId] = commandHeaders[HEADER.redriveId];
  return headers;
}
