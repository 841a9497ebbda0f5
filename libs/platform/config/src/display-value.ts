export const MASK = '****';

/** The inverse parser a validator may attach (see validators.ts). */
export function formatterOf(spec: object): ((value: never) => string) | undefined {
  const format = (spec as { _format?: unknown })._format;
  return typeof format === 'function' ? (format as (value: never) => string) : undefined;
}

/**
 * A config value as text that is safe to log: secrets masked, and the password of any URL-shaped value
 * masked too (a connection string may carry credentials even where nobody marked it sensitive).
 */
export function displayValue(
  value: unknown,
  sensitive: boolean,
  format?: (value: never) => string,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (sensitive) return MASK;
  if (format !== undefined) return redactUrlPassword(format(value as never));
  if (Array.isArray(value)) return value.map((item) => displayValue(item, false)).join(',');
  if (typeof value === 'string') return redactUrlPassword(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

function redactUrlPassword(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || !URL.canParse(text)) return text;
  const parsed = new URL(text);
  if (parsed.password === '') return text;
  parsed.password = MASK;
  return parsed.toString();
}
