import { randomBytes } from 'node:crypto';

/** Endpoints of the real local stack that `./tradewind test` brings up (deploy/local/stack.sh). */
export interface TestStack {
  kafkaBrokers: string[];
  registryUrl: string;
  /** A database reserved for tests; each test creates and drops its own schema in it. */
  databaseUrl: string;
}

export function testStack(): TestStack {
  const env = process.env;
  return {
    kafkaBrokers: (env.TW_TEST_KAFKA_BROKERS ?? `127.0.0.1:${env.KAFKA_PORT ?? '9092'}`).split(','),
    registryUrl:
      env.TW_TEST_REGISTRY_URL ?? `http://127.0.0.1:${env.REGISTRY_PORT ?? '8081'}/apis/ccompat/v7`,
    databaseUrl: env.TW_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tradewind_test',
  };
}

/** A name no other test (or earlier run) uses: for topics, consumer groups, schemas, subjects. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/**
 * KAFKA_NEW_GROUP_START_AT for a service a test starts on the shared broker: its new consumer groups read
 * what is published from now on (a second earlier, for clock skew), not every earlier test's records.
 */
export function newGroupsStartNow(): string {
  return new Date(Date.now() - 1_000).toISOString();
}
