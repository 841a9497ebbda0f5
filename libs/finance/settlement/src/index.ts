// Settlement matching: money received (statement entries, payout lines) against open customer invoices.
// Pure: no I/O, no clock.
export {
  checkInvoiceIntegrity,
  IntegrityCheck,
  type IntegrityFailure,
  type IntegrityInvoice,
  type IntegrityLine,
} from './invoice-integrity';
export {
  type Allocation,
  type MatchDecision,
  MatchRule,
  NaiveSettlementMatcher,
  normalizeName,
  normalizeReference,
  type OpenInvoice,
  referenceTokens,
  type SettlementLine,
  SettlementMatcher,
} from './settlement-matcher';
