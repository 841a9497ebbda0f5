export const OUTBOX_TABLE = 'outbox_message';
/**
 * One LISTEN channel for every service schema in the database; the payload names the schema. A
 * channel per schema would not fit NAMEDATALEN for long schema names.
 */
export const OUTBOX_NOTIFY_CHANNEL = 'tradewind_outbox';
