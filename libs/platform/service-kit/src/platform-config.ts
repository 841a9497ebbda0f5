import {
  type ConfigValues,
  databaseConfig,
  defineConfig,
  httpConfig,
  kafkaConfig,
  logConfig,
  registryConfig,
  serviceIdentity,
} from '@tradewind/config';

/** The configuration every service shares; a service spreads it and adds its own variables. */
export function platformConfig(defaults: { name: string; port: number; schema: string }) {
  return defineConfig({
    ...serviceIdentity({ name: defaults.name }),
    ...kafkaConfig({ clientId: defaults.name }),
    ...registryConfig(),
    ...databaseConfig({ schema: defaults.schema }),
    ...httpConfig({ port: defaults.port }),
    ...logConfig(),
  });
}

/** The loaded values of platformConfig (a service's own config values are a superset). */
export type PlatformValues = ConfigValues<ReturnType<typeof platformConfig>>;
