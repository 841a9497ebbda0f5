// How a service reaches Odoo, as a config section: `odoo: { ...odooConnectionConfig({ access: 'read' }) }`.
// Declared once here, next to the client it configures; odooClientFrom turns the loaded section into a client.
import { type ConfigValues, duration, httpUrl, oneOf, str, variable } from '@tradewind/config';

import { createOdooClient, type OdooClient, type OdooClientOptions } from './odoo.client';
import { ODOO_API_FLAVORS } from './odoo.types';

/**
 * Which Odoo integration user the service is. Only the odoo-writer writes; every other service reads
 * with the read-only user, under variables of their own so a deployment cannot hand it the write key.
 * The devDefaults are the Odoo simulator's published keys, so a local run needs no environment.
 */
const ACCESS = {
  write: {
    apiKey: 'ODOO_API_KEY',
    apiKeyDesc: 'API key of the Odoo integration user (write rights)',
    devApiKey: 'tw-sim-admin-0123456789abcdef0123456789abcdef',
    login: 'ODOO_LOGIN',
    loginDesc: "Login of the API key's user (JSON-RPC only, for common.authenticate)",
    defaultLogin: 'admin',
  },
  read: {
    apiKey: 'ODOO_READ_API_KEY',
    apiKeyDesc:
      'API key of the read-only Odoo integration user (never the write key: only the odoo-writer writes)',
    devApiKey: 'tw-sim-reader-0123456789abcdef0123456789abcde',
    login: 'ODOO_READ_LOGIN',
    loginDesc: "Login of the read-only key's user (JSON-RPC only, for common.authenticate)",
    defaultLogin: 'tradewind-reader',
  },
} as const;

export type OdooAccess = keyof typeof ACCESS;

export function odooConnectionConfig(options: { access: OdooAccess; timeoutMs: number }) {
  const access = ACCESS[options.access];
  return {
    url: variable(
      'ODOO_URL',
      httpUrl({
        desc: 'Odoo base URL (no path)',
        example: 'https://erp.example.com',
        devDefault: 'http://127.0.0.1:8069',
      }),
    ),
    db: variable('ODOO_DB', str({ desc: 'Odoo database name', devDefault: 'tradewind' })),
    apiKey: variable(access.apiKey, str({ desc: access.apiKeyDesc, devDefault: access.devApiKey }), {
      sensitive: true,
    }),
    login: variable(access.login, str({ desc: access.loginDesc, default: access.defaultLogin })),
    apiFlavor: variable(
      'ODOO_API_FLAVOR',
      oneOf(ODOO_API_FLAVORS)({
        desc: 'Odoo API: json2 (Odoo 19+), jsonrpc (16-18), auto (ask the server its version)',
        default: 'auto',
      }),
    ),
    timeoutMs: variable(
      'ODOO_TIMEOUT',
      duration({ desc: 'Time allowed for one Odoo call (the whole exchange)', default: options.timeoutMs }),
    ),
  };
}

/** The loaded section (a service's `config.odoo` may hold more: it spreads the section and adds to it). */
export type OdooConnectionSettings = ConfigValues<ReturnType<typeof odooConnectionConfig>>;

/** A client for the configured Odoo; `extra` says what is particular to the caller (agent, concurrency). */
export function odooClientFrom(
  settings: OdooConnectionSettings,
  extra: Omit<OdooClientOptions, keyof OdooConnectionSettings> = {},
): OdooClient {
  const { url, db, apiKey, login, apiFlavor, timeoutMs } = settings;
  return createOdooClient({ url, db, apiKey, login, apiFlavor, timeoutMs, ...extra });
}
