// One Odoo simulator for a reader's spec: started before its tests and stopped after them, the write key
// to seed what the spec needs, and the reader on the read-only key, as the reconciler reads Odoo.
import { after, before } from 'node:test';

import { createOdooClient, type OdooClient } from '@tradewind/odoo-client';
import { type OdooSimulator, startOdooSimulator } from '@tradewind/odoo-simulator';

export interface ReaderAgainstSimulator<R> {
  /** The write key's client: seeds and drifts Odoo. */
  readonly admin: OdooClient;
  /** The reader under test, on the read-only key. */
  readonly reader: R;
  /** A record id by its external id. */
  xmlid(module: string, name: string): Promise<number>;
}

/** Call inside `describe`: registers the simulator's start and stop around the suite's tests. */
export function readerAgainstSimulator<R>(
  make: (readOnly: OdooClient) => R,
  options: { seed?: boolean } = {},
): ReaderAgainstSimulator<R> {
  let sim: OdooSimulator | undefined;
  let admin: OdooClient | undefined;
  let reader: R | undefined;
  before(async () => {
    sim = await startOdooSimulator(options.seed === false ? { seed: false } : {});
    const started = sim;
    const client = (apiKey: string) =>
      createOdooClient({
        url: started.url,
        db: started.db,
        apiKey,
        apiFlavor: 'json2',
        maxConcurrentRequests: 2,
      });
    admin = client(started.apiKeys.write);
    reader = make(client(started.apiKeys.readOnly));
  });
  after(() => sim?.stop());
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the simulator starts before the tests');
    return value;
  };
  return {
    get admin() {
      return started(admin);
    },
    get reader() {
      return started(reader);
    },
    async xmlid(module, name) {
      const [row] = await started(admin).searchRead(
        'ir.model.data',
        [
          ['module', '=', module],
          ['name', '=', name],
        ],
        { fields: ['res_id'] },
      );
      return row.res_id as number;
    },
  };
}
