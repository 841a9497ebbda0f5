// The odoo-writer's Odoo circuit breaker as every replica exposes it: the gauge
// tradewind_odoo_circuit_breaker_state (0 closed, 1 half-open, 2 open) on its /metrics. Read over HTTP,
// because the breaker lives in each writer process; odoo.results cannot say it (an open breaker holds its
// commands, so it publishes nothing, and silence looks the same as a quiet hour).
export type BreakerReading =
  | { readonly state: 'closed' }
  | { readonly state: 'open' | 'half-open' | 'unknown'; readonly detail: string };

const BREAKER_GAUGE = 'tradewind_odoo_circuit_breaker_state';

/** The gauge's value in a Prometheus text exposition, or undefined when it is not there. */
export function breakerGaugeOf(exposition: string): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(BREAKER_GAUGE)) continue;
    const rest = line.slice(BREAKER_GAUGE.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

export interface WriterBreaker {
  read(): Promise<BreakerReading>;
}

/**
 * Reads every configured replica: closed only when each answers closed. A writer that cannot be read
 * counts as not closed (a re-drive waits rather than feed a writer nobody can see).
 */
export class HttpWriterBreaker implements WriterBreaker {
  constructor(
    private readonly urls: readonly string[],
    private readonly timeoutMs = 2_000,
  ) {}

  async read(): Promise<BreakerReading> {
    const readings = await Promise.all(this.urls.map((url) => this.readOne(url)));
    const worst =
      readings.find((r) => r.state === 'open') ??
      readings.find((r) => r.state === 'unknown') ??
      readings.find((r) => r.state === 'half-open');
    return worst ?? { state: 'closed' };
  }

  private async readOne(url: string): Promise<BreakerReading> {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!response.ok) return { state: 'unknown', detail: `${url} answered ${response.status}` };
      const value = breakerGaugeOf(await response.text());
      if (value === undefined) return { state: 'unknown', detail: `${url} has no ${BREAKER_GAUGE}` };
      if (value === 0) return { state: 'closed' };
      return { state: value >= 2 ? 'open' : 'half-open', detail: `${url}: breaker ${value}` };
    } catch (error) {
      return {
        state: 'unknown',
        detail: `${url}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
}

/** No writer to read (RECONCILER_ODOO_WRITER_METRICS_URLS unset): the re-drive is not gated by a breaker. */
export class UngatedWriterBreaker implements WriterBreaker {
  read(): Promise<BreakerReading> {
    return Promise.resolve({ state: 'closed' });
  }
}
