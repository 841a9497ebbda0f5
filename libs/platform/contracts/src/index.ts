// Contracts generated from schemas/ by `./tradewind schemas generate`: topic constants, the topic → value
// type map, the topic catalog with value schemas, record header names, one interface per Avro record and
// one constant per Avro enum; the helper that makes a switch over an enum exhaustive, and odoo.commands'
// empty typed bodies.
export { assertUnreachable } from './assert-unreachable';
export * from './generated';
export { NO_COMMAND_BODY } from './odoo-command-bodies';
