// ops-console's configuration: the platform's variables (Kafka, registry, PostgreSQL, HTTP, logs), one
// consumer section per topic it keeps a view of, the partner catalog (read only), and how people sign in:
// local users (demo, tests) or OpenID Connect (production; checked in auth/oidc.settings.ts).
import { type ConfigValues, defineConfig, duration, oneOf, str, variable } from '@tradewind/config';
import { TOPICS } from '@tradewind/contracts';
import { consumerConfig } from '@tradewind/messaging-nest';
import { platformConfig } from '@tradewind/service-kit';

export const opsConsoleConfig = defineConfig({
  ...platformConfig({ name: 'ops-console', port: 3100, schema: 'ops_console' }),
  consumers: {
    opsExceptions: consumerConfig('OPS_EXCEPTIONS', TOPICS.opsExceptions),
    opsAudit: consumerConfig('OPS_AUDIT', TOPICS.opsAudit),
    ordersState: consumerConfig('OPS_ORDERS_STATE', TOPICS.ordersState),
    partnersOutbound: consumerConfig('OPS_PARTNERS_OUTBOUND', TOPICS.partnersOutbound),
  },
  catalog: {
    dir: variable(
      'PARTNER_CATALOG_DIR',
      str({ desc: 'Directory of the partner catalog (catalog.yaml, xref/)', default: 'config/partners' }),
    ),
  },
  deadLetters: {
    group: variable(
      'OPS_DEAD_LETTERS_GROUP',
      str({
        desc: 'Consumer group reading every <topic>.<group>.dlq topic; unset: <SERVICE_NAME>.dlq',
        default: undefined,
      }),
    ),
    discoverEveryMs: variable(
      'OPS_DEAD_LETTERS_DISCOVER_EVERY',
      duration({ desc: 'How often new dead-letter topics are looked for', default: 15_000 }),
    ),
  },
  auth: {
    mode: variable(
      'OPS_CONSOLE_AUTH',
      oneOf(['local', 'oidc'] as const)({
        desc: 'How people sign in: local users (OPS_CONSOLE_USERS_FILE) or OpenID Connect (OIDC_*)',
        default: 'local',
        devDefault: 'local',
      }),
    ),
    usersFile: variable(
      'OPS_CONSOLE_USERS_FILE',
      str({
        desc: 'JSON list of local users (username, scrypt password hash, roles, workflows)',
        default: undefined,
        devDefault: 'config/ops-console/users.local.json',
      }),
    ),
    sessionSecret: variable(
      'OPS_CONSOLE_SESSION_SECRET',
      str({
        desc: 'Key that signs session cookies and CSRF tokens (32+ characters)',
        devDefault: 'local-ops-console-session-secret-not-for-production',
      }),
      { sensitive: true },
    ),
    sessionTtlMs: variable(
      'OPS_CONSOLE_SESSION_TTL',
      duration({ desc: 'How long a sign-in lasts', default: 8 * 3_600_000 }),
    ),
    secureCookies: variable(
      'OPS_CONSOLE_SECURE_COOKIES',
      oneOf(['auto', 'always', 'never'] as const)({
        desc: 'Secure flag of the session cookie: always behind HTTPS; auto sets it unless the request is plain HTTP',
        default: 'always',
        devDefault: 'auto',
      }),
    ),
    oidc: {
      issuerUrl: variable(
        'OIDC_ISSUER_URL',
        str({
          desc: 'OpenID Connect issuer (discovery at /.well-known/openid-configuration)',
          default: undefined,
        }),
      ),
      clientId: variable(
        'OIDC_CLIENT_ID',
        str({ desc: 'OIDC client id of the console', default: undefined }),
      ),
      clientSecret: variable(
        'OIDC_CLIENT_SECRET',
        str({ desc: 'OIDC client secret of the console', default: undefined }),
        { sensitive: true },
      ),
      redirectUrl: variable(
        'OIDC_REDIRECT_URL',
        str({
          desc: 'Callback URL registered at the issuer: https://<console>/auth/oidc/callback',
          default: undefined,
        }),
      ),
      rolesClaim: variable(
        'OIDC_ROLES_CLAIM',
        str({ desc: "ID token claim listing the user's console roles", default: 'roles' }),
      ),
      workflowsClaim: variable(
        'OIDC_WORKFLOWS_CLAIM',
        str({ desc: 'ID token claim listing the workflows a business user acts on', default: 'workflows' }),
      ),
    },
  },
});

export type OpsConsoleConfig = ConfigValues<typeof opsConsoleConfig>;
