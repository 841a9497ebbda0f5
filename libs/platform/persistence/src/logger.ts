/**
 * The logging surface the library needs: a subset of pino's API, so a service passes its pino logger
 * (or a child of it) as is.
 */
export interface PersistenceLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Used when no logger is given: problems still reach stderr, routine events stay quiet. */
export const stderrLogger: PersistenceLogger = {
  info: () => undefined,
  warn: (fields, message) =>
    console.warn(JSON.stringify({ level: 'warn', msg: message, ...serialize(fields) })),
  error: (fields, message) =>
    console.error(JSON.stringify({ level: 'error', msg: message, ...serialize(fields) })),
};

function serialize(fields: object): object {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    out[name] = value instanceof Error ? { name: value.name, message: value.message } : value;
  }
  return out;
}
