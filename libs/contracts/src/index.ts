// Contracts generated from schemas/ by `./tradewind schemas generate`: topic constants, the topic → value
// type map, the topic catalog with value schemas, and one interface per Avro record.
export * from './generated';
