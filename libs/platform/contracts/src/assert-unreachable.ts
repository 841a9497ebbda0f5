/**
 * The `default` of an exhaustive switch: it type-checks only when every member of the union has its case,
 * and throws if a value the types rule out arrives anyway (a cast, a newer peer).
 */
export function assertUnreachable(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}
