// Typed Odoo client over JSON-2 and legacy JSON-RPC with classified errors.
export type { FetchLike } from './http.transport';
export type {
  CallOptions,
  OdooClient,
  OdooClientOptions,
  SearchOptions,
  SearchReadOptions,
} from './odoo.client';
export { createOdooClient } from './odoo.client';
export type { OdooErrorDetails } from './odoo.exception';
export {
  isBusinessCode,
  isOutcomeUnknownCode,
  isRetryableCode,
  OdooError,
  OdooErrorCode,
  odooIsDown,
} from './odoo.exception';
export type {
  Domain,
  DomainConnector,
  DomainLeaf,
  DomainOperator,
  LoadMessage,
  LoadResult,
  Many2oneValue,
  OdooApiFlavor,
  OdooContext,
  OdooRecord,
  OdooServerVersion,
  OdooValues,
  X2ManyCommand,
} from './odoo.types';
export { Command, ODOO_API_FLAVORS } from './odoo.types';
export type { OdooAccess, OdooConnectionSettings } from './odoo-connection.config';
export { odooClientFrom, odooConnectionConfig } from './odoo-connection.config';
export type { FaultDescription } from './odoo-error.mapper';
export { classifyOdooFault, parseRetryAfter } from './odoo-error.mapper';
export {
  type OdooProductStock,
  type OdooStockQuant,
  readProductStock,
  readStockQuants,
  type StockQuantQuery,
} from './odoo-stock.reader';
export { JSON2_SINCE_MAJOR } from './version.detector';
