// One simulated Odoo database: the model registry, the in-memory store, its users and API keys, and
// `transaction()`, which gives every RPC call Odoo's commit-or-rollback behaviour.
import { createModelRegistry } from './models';
import { Env, type EnvUser } from './orm/env';
import { asText, type ModelRegistry, type Row } from './orm/model.types';
import { PythonError } from './orm/python-error';
import { RecordStore } from './orm/record.store';
import { applyBaseData, applySeed, type SeedData } from './seed';

export interface SimulatedUser extends EnvUser {
  name: string;
  apiKey: string;
}

export class SimulatedDatabase {
  readonly registry: ModelRegistry = createModelRegistry();
  readonly store = new RecordStore(this.registry);
  /** Called after every committed change (a call, a reset): the data file's writer listens. */
  onCommit: (() => void) | undefined;

  constructor(
    readonly name: string,
    readonly users: SimulatedUser[],
    private readonly seed: SeedData | undefined,
  ) {
    this.reset();
  }

  /** Back to the seeded state (records, external ids and sequences). */
  reset(): void {
    this.store.clear();
    const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
    this.store.put('res.users', {
      id: 1,
      name: 'OdooBot',
      login: '__system__',
      active: false,
      create_date: now,
      write_date: now,
    });
    for (const user of this.users) {
      this.store.put('res.users', {
        id: user.uid,
        name: user.name,
        login: user.login,
        active: true,
        create_date: now,
        write_date: now,
      });
    }
    const root = this.env(this.users[0]).sudo();
    applyBaseData(root);
    if (this.seed) applySeed(root, this.seed);
    this.store.commit();
    this.onCommit?.();
  }

  env(user: EnvUser, context: Record<string, unknown> = {}): Env {
    return new Env(this.store, this.registry, user, context);
  }

  userByKey(key: string): SimulatedUser | undefined {
    return this.users.find((user) => user.apiKey === key);
  }

  userByUid(uid: unknown): SimulatedUser | undefined {
    return this.users.find((user) => user.uid === uid);
  }

  /** Runs one call: committed when it returns, rolled back entirely when it throws. */
  transaction<T>(fn: () => T): T {
    const savepoint = this.store.savepoint();
    try {
      const result = fn();
      const changed = this.store.savepoint() > savepoint;
      this.store.commit();
      if (changed) this.onCommit?.();
      return result;
    } catch (error) {
      this.store.rollbackTo(savepoint);
      this.store.commit();
      if (error instanceof PythonError) throw error;
      // a simulator bug: surfaces like any unexpected server exception would
      const message = error instanceof Error ? error.message : asText(error);
      throw new PythonError('builtins.RuntimeError', message, [message], 500);
    }
  }

  rows(model: string): Row[] {
    return this.store.rows(model).map((row) => ({ ...row }));
  }
}
