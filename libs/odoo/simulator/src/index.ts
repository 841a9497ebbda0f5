// Faithful Odoo simulator (JSON-2 and JSON-RPC) for tests and the demo.
export type { SimulatorKnobs, SimulatorStats } from './http/load.governor';
export { DEFAULT_KNOBS, ODOO_PUBLISHED_RECORD_COST } from './http/load.governor';
export type { OdooSimulator, OdooSimulatorOptions } from './odoo-simulator';
export {
  DEFAULT_API_KEY,
  DEFAULT_READONLY_API_KEY,
  recordsWritten,
  startOdooSimulator,
} from './odoo-simulator';
export type { LoadMessage, LoadResult } from './orm/load';
export type { Row } from './orm/model.types';
export type { RecordFault } from './orm/record-faults';
export type { SeedData } from './seed';
export { DEFAULT_SEED_PATH, loadSeedFile } from './seed';
export type { ExternalIdEntry } from './simulator.store';
export { SimulatorStore } from './simulator.store';
