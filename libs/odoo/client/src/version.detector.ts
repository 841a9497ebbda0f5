// Which API a server speaks: GET /web/version (Odoo 19+), else JSON-RPC `common.version`; 19 and later
// get JSON-2, earlier versions legacy JSON-RPC.
import { exchange, type HttpSettings, parseJson, protocolError } from './http.transport';
import { OdooError, OdooErrorCode } from './odoo.exception';
import type { OdooServerVersion } from './odoo.types';

/** First major version with the External JSON-2 API. */
export const JSON2_SINCE_MAJOR = 19;

function toVersion(major: number, version: string): OdooServerVersion {
  return { major, version, flavor: major >= JSON2_SINCE_MAJOR ? 'json2' : 'jsonrpc' };
}

export async function detectServerVersion(
  url: string,
  http: HttpSettings,
  timeoutMs: number,
): Promise<OdooServerVersion> {
  const webVersion = await exchange(http, `${url}/web/version`, { method: 'GET' }, timeoutMs, {});
  if (webVersion.status === 200) {
    const parsed = parseJson(webVersion);
    const info = parsed.ok ? (parsed.value as { version_info?: unknown; version?: unknown } | null) : null;
    if (info && Array.isArray(info.version_info) && typeof info.version_info[0] === 'number') {
      return toVersion(
        info.version_info[0],
        typeof info.version === 'string' ? info.version : `${info.version_info[0]}.0`,
      );
    }
  }
  const target = { model: 'common', method: 'version' };
  const rpc = await exchange(
    http,
    `${url}/jsonrpc`,
    {
      method: 'POST',
      body: {
        jsonrpc: '2.0',
        method: 'call',
        params: { service: 'common', method: 'version', args: [] },
        id: 0,
      },
    },
    timeoutMs,
    target,
  );
  const parsed = parseJson(rpc);
  const result = parsed.ok
    ? (parsed.value as { result?: { server_version_info?: unknown; server_version?: unknown } } | null)
        ?.result
    : undefined;
  if (
    rpc.status === 200 &&
    result &&
    Array.isArray(result.server_version_info) &&
    typeof result.server_version_info[0] === 'number'
  ) {
    return toVersion(
      result.server_version_info[0],
      typeof result.server_version === 'string'
        ? result.server_version
        : `${result.server_version_info[0]}.0`,
    );
  }
  if (rpc.status !== 200) {
    throw new OdooError({
      code: OdooErrorCode.PROTOCOL,
      message: `${url}: cannot tell the Odoo version (GET /web/version: HTTP ${webVersion.status}, /jsonrpc: HTTP ${rpc.status})`,
      httpStatus: rpc.status,
    });
  }
  throw protocolError(target, url, 'no version in common.version', rpc);
}
