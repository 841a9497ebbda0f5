export interface CrashTestEvent {
  orderKey: string;
  seq: number;
}

export const CRASH_TEST_SCHEMA = {
  type: 'record',
  name: 'CrashTestEvent',
  namespace: 'io.tradewind.test',
  fields: [
    { name: 'orderKey', type: 'string' },
    { name: 'seq', type: 'int' },
  ],
};
