// Problems found while validating config/partners: every one is collected, with its file and place.

export enum CatalogProblemCode {
  FileMissing = 'FILE_MISSING',
  YamlSyntax = 'YAML_SYNTAX',
  SchemaViolation = 'SCHEMA_VIOLATION',
  DuplicatePartnerId = 'DUPLICATE_PARTNER_ID',
  DuplicateKeyId = 'DUPLICATE_KEY_ID',
  TooManyActiveKeys = 'TOO_MANY_ACTIVE_KEYS',
  CredentialExpired = 'CREDENTIAL_EXPIRED',
  CredentialRefReused = 'CREDENTIAL_REF_REUSED',
  InlineSecret = 'INLINE_SECRET',
  MappingSetMissing = 'MAPPING_SET_MISSING',
  MappingSetRequired = 'MAPPING_SET_REQUIRED',
  MappingSetNameMismatch = 'MAPPING_SET_NAME_MISMATCH',
  ScopeWithoutDocument = 'SCOPE_WITHOUT_DOCUMENT',
  X12IdentityRequired = 'X12_IDENTITY_REQUIRED',
  DuplicateX12Identity = 'DUPLICATE_X12_IDENTITY',
  DuplicateXref = 'DUPLICATE_XREF',
  InvalidGtin = 'INVALID_GTIN',
  UnknownMasterdataSku = 'UNKNOWN_MASTERDATA_SKU',
  UnknownMasterdataCustomer = 'UNKNOWN_MASTERDATA_CUSTOMER',
  MasterdataMismatch = 'MASTERDATA_MISMATCH',
  InvalidLayout = 'INVALID_LAYOUT',
  UnknownMasterdataAddress = 'UNKNOWN_MASTERDATA_ADDRESS',
  /** A systemsOfRecord owner that is neither a partner nor `tradewind`. */
  UnknownSystemOfRecord = 'UNKNOWN_SYSTEM_OF_RECORD',
  /** A partner granted to submit documents that write a data domain it does not own. */
  NotSystemOfRecord = 'NOT_SYSTEM_OF_RECORD',
  /** An allocation rule without an outbound stock-feed, a stock-feed without a rule, or bounds that cross. */
  InvalidAllocationRule = 'INVALID_ALLOCATION_RULE',
  UnknownMasterdataWarehouse = 'UNKNOWN_MASTERDATA_WAREHOUSE',
  /** delivery.yaml names a partner that catalog.yaml does not have. */
  UnknownDeliveryPartner = 'UNKNOWN_DELIVERY_PARTNER',
  /** delivery.yaml: an endpoint id or document type twice, SFTP credentials, retry bounds that cross. */
  InvalidDeliveryChannel = 'INVALID_DELIVERY_CHANNEL',
}

export interface CatalogProblem {
  readonly code: CatalogProblemCode;
  readonly message: string;
  /** The file, as the directory given to the loader joined with its name. */
  readonly file: string;
  /** JSON pointer into the file's data, '' for the whole file. */
  readonly path: string;
  /** 1-based line in the file, when the place could be found. */
  readonly line?: number;
}

export function formatCatalogProblem(p: CatalogProblem): string {
  const where = `${p.file}${p.line === undefined ? '' : `:${p.line}`}${p.path === '' ? '' : ` ${p.path}`}`;
  return `${where}: ${p.code} ${p.message}`;
}
