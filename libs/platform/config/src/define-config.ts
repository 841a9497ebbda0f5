import type { OptionalValidatorSpec, RequiredValidatorSpec, ValidatorSpec } from 'envalid';

import { ConfigErrorCode, ConfigException } from './config.exception';

/**
 * An envalid validator spec (`str({ desc, default })`). envalid's types cannot require `desc`,
 * so defineConfig checks at start-up that every variable has one.
 */
export type VariableSpec<T> = ValidatorSpec<T>;

export interface VariableOptions {
  /** A secret: masked in `describe()`, in the README table and in error messages. */
  sensitive?: boolean;
}

/** One environment variable: its name, validator (with default, description) and sensitivity. */
export class ConfigVariable<T> {
  constructor(
    readonly name: string,
    readonly spec: VariableSpec<T>,
    readonly sensitive: boolean,
  ) {}
}

// The same optional/required rule as envalid's CleanedEnv: `default: undefined` makes a variable optional.
type ValueOf<V> =
  V extends OptionalValidatorSpec<infer U>
    ? U | undefined
    : V extends RequiredValidatorSpec<infer U>
      ? U
      : never;

/**
 * `variable('KAFKA_BROKERS', brokers({ desc: 'Kafka bootstrap servers', devDefault: ['127.0.0.1:9092'] }))`.
 * The name stays next to its spec so a search for the variable finds where it is defined.
 */
export function variable<V extends { _parse: (input: string) => unknown }>(
  name: string,
  spec: V,
  options: VariableOptions = {},
): ConfigVariable<ValueOf<V>> {
  return new ConfigVariable(name, spec as unknown as VariableSpec<ValueOf<V>>, options.sensitive ?? false);
}

/** A tree of variables; its shape is the shape of the loaded config (`config.kafka.brokers`). */
export interface ConfigSpec {
  readonly [key: string]: ConfigVariable<unknown> | ConfigSpec;
}

export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export type ConfigValues<S extends ConfigSpec> = {
  readonly [K in keyof S]: S[K] extends ConfigVariable<infer T>
    ? DeepReadonly<T>
    : S[K] extends ConfigSpec
      ? ConfigValues<S[K]>
      : never;
};

export interface FlatVariable {
  /** Dotted path in the loaded config, e.g. `kafka.brokers`. */
  path: string;
  variable: ConfigVariable<unknown>;
}

/** The leaves of a spec in declaration order. */
export function flattenSpec(spec: ConfigSpec, prefix = ''): FlatVariable[] {
  return Object.entries(spec).flatMap(([key, node]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return node instanceof ConfigVariable ? [{ path, variable: node }] : flattenSpec(node, path);
  });
}

const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * Checks a composed spec once (names well-formed and unique, every variable described) and returns it
 * unchanged, so a mistake in a spec fails at start-up with every problem listed, not at first use.
 */
export function defineConfig<const S extends ConfigSpec>(spec: S): S {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { path, variable: v } of flattenSpec(spec)) {
    if (!VARIABLE_NAME.test(v.name))
      problems.push(`${path}: "${v.name}" is not an UPPER_SNAKE_CASE variable name`);
    if (typeof v.spec.desc !== 'string' || v.spec.desc.trim() === '')
      problems.push(`${v.name}: no description`);
    const other = seen.get(v.name);
    if (other !== undefined) problems.push(`${v.name}: defined twice (${other} and ${path})`);
    seen.set(v.name, path);
  }
  if (problems.length > 0) throw new ConfigException(ConfigErrorCode.InvalidSpec, problems);
  return spec;
}
