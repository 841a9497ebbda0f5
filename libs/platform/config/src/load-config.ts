import { customCleanEnv, EnvMissingError } from 'envalid';

import { ConfigErrorCode, ConfigException } from './config.exception';
import {
  type ConfigSpec,
  type ConfigValues,
  defineConfig,
  flattenSpec,
  type FlatVariable,
} from './define-config';
import { displayValue, formatterOf, MASK } from './display-value';

export type Environment = Readonly<Record<string, string | undefined>>;

/** One row of `describe()`: what the service runs with, safe to log. */
export interface ConfigEntry {
  name: string;
  /** Dotted path in the loaded config, e.g. `kafka.brokers`. */
  path: string;
  description: string;
  /** The value as text; `****` when sensitive; undefined when unset. */
  value: string | undefined;
  source: 'environment' | 'default' | 'unset';
  sensitive: boolean;
}

export interface LoadedConfig<S extends ConfigSpec> {
  /** Nested, typed, deeply frozen. */
  readonly values: ConfigValues<S>;
  /** Every variable with its (masked) value and where it came from: for the start-up log. */
  describe(): readonly ConfigEntry[];
}

/** EX_CONFIG from sysexits.h: tells an operator (and a supervisor) that the configuration is wrong. */
export const CONFIG_EXIT_CODE = 78;

/**
 * Parses and validates every variable of `spec` from `env` at once.
 *
 * - An empty variable (`FOO=`) counts as unset, as compose files and `.env` templates often leave them.
 * - `devDefault` applies unless NODE_ENV is `production` (envalid would also need NODE_ENV to be set):
 *   local runs work with no environment, production must say where Kafka and PostgreSQL are.
 *
 * @throws ConfigException with one line per missing or malformed variable.
 */
export function loadConfig<const S extends ConfigSpec>(
  spec: S,
  env: Environment = process.env,
): LoadedConfig<S> {
  const variables = flattenSpec(defineConfig(spec));
  const raw: Record<string, string | undefined> = {};
  for (const { variable } of variables) {
    const value = env[variable.name];
    raw[variable.name] = value === '' ? undefined : value;
  }
  const specs = Object.fromEntries(variables.map(({ variable }) => [variable.name, variable.spec]));
  const input = { ...raw, NODE_ENV: raw.NODE_ENV ?? (env.NODE_ENV || 'development') };

  const cleaned = customCleanEnv(input, specs, (clean) => ({ ...(clean as Record<string, unknown>) }), {
    reporter: ({ errors }) => {
      const lines = variables.flatMap(({ variable }) => {
        const error = errors[variable.name];
        return error ? [problemLine(variable, raw[variable.name], error)] : [];
      });
      if (lines.length > 0) throw new ConfigException(ConfigErrorCode.InvalidEnvironment, lines);
    },
  });

  const values = deepFreeze(buildTree(variables, cleaned)) as ConfigValues<S>;
  const entries = Object.freeze(
    variables.map(({ path, variable }): ConfigEntry => {
      const value = cleaned[variable.name];
      return Object.freeze({
        name: variable.name,
        path,
        description: variable.spec.desc ?? '',
        value: displayValue(value, variable.sensitive, formatterOf(variable.spec)),
        source: raw[variable.name] !== undefined ? 'environment' : value === undefined ? 'unset' : 'default',
        sensitive: variable.sensitive,
      });
    }),
  );
  return Object.freeze({ values, describe: () => entries });
}

/**
 * `loadConfig` for a service's main.ts: on a bad environment, prints one line per variable to stderr
 * (instead of envalid's boxed report) and exits with CONFIG_EXIT_CODE before anything else starts.
 */
export function loadConfigOrExit<const S extends ConfigSpec>(
  spec: S,
  env: Environment = process.env,
): LoadedConfig<S> {
  try {
    return loadConfig(spec, env);
  } catch (error) {
    if (!(error instanceof ConfigException)) throw error;
    process.stderr.write(`${error.lines.join('\n')}\n`);
    process.exit(CONFIG_EXIT_CODE);
  }
}

function problemLine(variable: FlatVariable['variable'], rawValue: string | undefined, error: Error): string {
  const { desc, example } = variable.spec;
  if (error instanceof EnvMissingError || rawValue === undefined) {
    const hint = example === undefined ? desc : `${desc}, e.g. ${example}`;
    return oneLine(`${variable.name}: missing (${hint})`);
  }
  // envalid's own `choices` check words it differently from our validators.
  const choices = /^Value "(.*)" not in choices \[(.*)\]$/s.exec(error.message);
  let reason = choices
    ? `${JSON.stringify(choices[1])} is not one of ${choices[2].split(',').join(', ')}`
    : error.message;
  if (variable.sensitive) reason = hideSecret(reason, rawValue);
  return oneLine(`${variable.name}: ${reason}`);
}

// Validators quote the offending value; for a secret, neither the value nor any quoted text survives.
function hideSecret(message: string, secret: string): string {
  return message
    .split(secret)
    .join(MASK)
    .split(JSON.stringify(secret).slice(1, -1))
    .join(MASK)
    .replace(/"(?:[^"\\]|\\.)*"/g, `"${MASK}"`);
}

const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ');

function buildTree(variables: readonly FlatVariable[], cleaned: Readonly<Record<string, unknown>>): object {
  const root: Record<string, unknown> = {};
  for (const { path, variable } of variables) {
    const keys = path.split('.');
    let node = root;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys[keys.length - 1]] = cleaned[variable.name];
  }
  return root;
}

function deepFreeze<T>(value: T, seen = new WeakSet<object>()): T {
  if (value !== null && typeof value === 'object' && !seen.has(value)) {
    seen.add(value);
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child, seen);
  }
  return value;
}
