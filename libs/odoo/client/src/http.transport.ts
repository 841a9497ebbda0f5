// One HTTP exchange with a timeout on the whole of it (headers and body), network failures and timeouts
// turned into OdooErrors. Node's fetch (undici) keeps connections alive by default.
import { OdooError, OdooErrorCode } from './odoo.exception';
import { classifyOdooFault, parseRetryAfter } from './odoo-error.mapper';

export type FetchLike = typeof fetch;

export interface HttpSettings {
  fetch: FetchLike;
  userAgent: string;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface CallTarget {
  model?: string;
  method?: string;
}

export async function exchange(
  settings: HttpSettings,
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: unknown },
  timeoutMs: number,
  target: CallTarget,
): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await settings.fetch(url, {
      method: init.method,
      headers: {
        Accept: 'application/json',
        'User-Agent': settings.userAgent,
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    const name = (error as { name?: string } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError' || signal.aborted) {
      throw new OdooError({
        code: OdooErrorCode.TIMEOUT,
        message: `${describe(target, url)}: no answer from Odoo within ${timeoutMs} ms`,
        ...target,
        cause: error,
      });
    }
    const reason = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
    throw new OdooError({
      code: OdooErrorCode.TRANSPORT,
      message: `${describe(target, url)}: ${reason?.code ?? reason?.message ?? (error as Error).message}`,
      ...target,
      cause: error,
    });
  }
}

export function describe(target: CallTarget, url: string): string {
  return target.model ? `${target.model}.${target.method ?? ''}` : url;
}

export function parseJson(answer: HttpAnswer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(answer.text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** An error for a non-2xx answer whose body is not Odoo's JSON (a proxy page, plain text). */
export function statusError(answer: HttpAnswer, target: CallTarget, url: string): OdooError {
  const code = classifyOdooFault({ httpStatus: answer.status });
  return new OdooError({
    code,
    message: `${describe(target, url)}: HTTP ${answer.status}${
      answer.text
        ? ` ${answer.text
            .replace(/<[^>]*>/g, ' ')
            .replace(/\s+/g, ' ')
            .trim()
            .slice(0, 200)}`
        : ''
    }`,
    httpStatus: answer.status,
    retryAfterMs: parseRetryAfter(answer.headers.get('retry-after')),
    ...target,
  });
}

export function protocolError(
  target: CallTarget,
  url: string,
  detail: string,
  answer?: HttpAnswer,
): OdooError {
  return new OdooError({
    code: OdooErrorCode.PROTOCOL,
    message: `${describe(target, url)}: unexpected answer from Odoo (${detail})`,
    httpStatus: answer?.status,
    ...target,
  });
}
