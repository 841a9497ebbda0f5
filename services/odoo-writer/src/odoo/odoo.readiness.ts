import type { ReadinessCheck } from '@tradewind/observability';

/**
 * Odoo answers its version: GET /web/version (Odoo 19+), else JSON-RPC common.version. Cheap, needs no
 * credentials, and goes around the breaker and the concurrency limit (it is not a write).
 */
export function odooReadiness(url: string, options: { timeoutMs?: number } = {}): ReadinessCheck {
  const base = url.replace(/\/+$/, '');
  return {
    name: 'odoo',
    timeoutMs: options.timeoutMs,
    async check(signal) {
      const web = await fetch(`${base}/web/version`, { signal, headers: { accept: 'application/json' } });
      await web.body?.cancel();
      if (web.ok) return;
      if (web.status === 404) {
        const rpc = await fetch(`${base}/jsonrpc`, {
          method: 'POST',
          signal,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            jsonrpc: '2.0',
            method: 'call',
            params: { service: 'common', method: 'version', args: [] },
            id: 0,
          }),
        });
        const body = (await rpc.json().catch(() => null)) as { result?: unknown } | null;
        if (rpc.ok && body?.result) return;
        throw new Error(`POST ${base}/jsonrpc common.version answered ${rpc.status}`);
      }
      throw new Error(`GET ${base}/web/version answered ${web.status}`);
    },
  };
}
