// envalid validators with messages that read well after the variable's name
// (`SERVICE_PORT: "abc" is not a port number`), plus the platform's own: broker lists, durations,
// SQL identifiers, URLs restricted to protocols. Parsers only see non-empty strings: loadConfig
// treats an empty variable as unset.
import { EnvError, makeExactValidator, makeValidator } from 'envalid';

// Long values (a JSON document, a certificate) are cut so a message stays one readable line.
/**
 * Attaches `_format`, the inverse of the parser, to the specs a validator makes, so describe() and the
 * README show values as they are written in the environment (`30s`, not 30000).
 */
function withFormat<F extends (...args: never[]) => object>(factory: F, format: (value: never) => string): F {
  return ((...args: Parameters<F>) => ({ ...factory(...args), _format: format })) as F;
}

const quote = (input: string): string => JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input);

export const str = makeValidator<string>((input) => input);

export const bool = makeExactValidator<boolean>((input) => {
  switch (input.trim().toLowerCase()) {
    case 'true':
    case 't':
    case 'yes':
    case 'on':
    case '1':
      return true;
    case 'false':
    case 'f':
    case 'no':
    case 'off':
    case '0':
      return false;
    default:
      throw new EnvError(`${quote(input)} is not a boolean (true/false, yes/no, on/off, 1/0)`);
  }
});

/** Strict: `12abc` is rejected (envalid's own `num` uses parseFloat and would read 12). */
export const num = makeValidator<number>((input) => {
  const value = Number(input.trim());
  if (input.trim() === '' || !Number.isFinite(value)) throw new EnvError(`${quote(input)} is not a number`);
  return value;
});

/** An integer within [min, max]. */
export function intInRange(min: number, max: number) {
  return makeValidator<number>((input) => {
    const value = Number(input.trim());
    if (!/^[+-]?\d+$/.test(input.trim()) || !Number.isSafeInteger(value)) {
      throw new EnvError(`${quote(input)} is not an integer`);
    }
    if (value < min || value > max) throw new EnvError(`${value} is out of range ${min}..${max}`);
    return value;
  });
}

export const int = intInRange(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);

/** A TCP port to listen on or connect to; 0 is accepted (listen on any free port, handy in tests). */
export const port = makeValidator<number>((input) => {
  if (!/^\d{1,5}$/.test(input.trim()) || Number(input) > 65535) {
    throw new EnvError(`${quote(input)} is not a port number (0-65535)`);
  }
  return Number(input);
});

export const url = makeValidator<string>((input) => {
  if (!URL.canParse(input)) throw new EnvError(`${quote(input)} is not a URL`);
  return input;
});

/** A URL whose protocol is one of `protocols` (with the colon, as `URL.protocol` spells it). */
export function urlWithProtocol(...protocols: readonly string[]) {
  return makeValidator<string>((input) => {
    if (!URL.canParse(input)) throw new EnvError(`${quote(input)} is not a URL`);
    const { protocol } = new URL(input);
    if (!protocols.includes(protocol)) {
      throw new EnvError(`${quote(input)} is not a ${protocols.map((p) => p.slice(0, -1)).join('/')} URL`);
    }
    return input;
  });
}

export const httpUrl = urlWithProtocol('http:', 'https:');
export const postgresUrl = urlWithProtocol('postgres:', 'postgresql:');

/**
 * A validator for a JSON document of type T: `jsonOf<Retry>(checkRetry)({ desc: '...', default: {...} })`.
 * `check` validates the shape: it returns a reason, or undefined when the value is fine.
 */
export function jsonOf<T>(check?: (value: unknown) => string | undefined) {
  return makeExactValidator<T>((input) => {
    let value: unknown;
    try {
      value = JSON.parse(input);
    } catch {
      throw new EnvError(`${quote(input)} is not valid JSON`);
    }
    const reason = check?.(value);
    if (reason !== undefined) throw new EnvError(`invalid JSON value: ${reason}`);
    return value as T;
  });
}

/** Any JSON document (`unknown`); use jsonOf for a typed, checked one. */
export const json = jsonOf<unknown>();

/** One of a fixed set of strings; the message lists them (envalid's `choices` message does not read as well). */
export function oneOf<const T extends string>(values: readonly T[]) {
  return makeExactValidator<T>((input) => {
    const value = input.trim();
    if (!(values as readonly string[]).includes(value)) {
      throw new EnvError(`${quote(input)} is not one of ${values.join(', ')}`);
    }
    return value as T;
  });
}

/**
 * A value of a shape particular to one service: `parse` returns it, or throws an Error whose message says
 * what is wrong (`is not a hop count or a list of addresses`); the message follows the quoted input.
 */
export function parsedBy<T>(parse: (input: string) => T) {
  return makeExactValidator<T>((input) => {
    try {
      return parse(input.trim());
    } catch (error) {
      throw new EnvError(`${quote(input)} ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/** Comma-separated values, trimmed, empty items dropped: `a, b,,c` → ['a', 'b', 'c']. */
export const list = withFormat(
  makeExactValidator<string[]>((input) => {
    const items = splitList(input);
    if (items.length === 0) throw new EnvError(`${quote(input)} is an empty list`);
    return items;
  }),
  (items: readonly string[]) => items.join(','),
);

const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;

/** Kafka bootstrap servers: `host:port[,host:port...]` → ['host:port', ...]. */
export const brokers = withFormat(
  makeExactValidator<string[]>((input) => {
    const items = splitList(input);
    const valid =
      items.length > 0 &&
      items.every((item) => {
        const colon = item.lastIndexOf(':');
        if (colon <= 0) return false;
        const portText = item.slice(colon + 1);
        return (
          HOST.test(item.slice(0, colon)) &&
          /^\d{1,5}$/.test(portText) &&
          +portText >= 1 &&
          +portText <= 65535
        );
      });
    if (!valid)
      throw new EnvError(`${quote(input)} is not a list of host:port (e.g. 127.0.0.1:9092,kafka-2:9092)`);
    return items;
  }),
  (items: readonly string[]) => items.join(','),
);

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * A duration with a unit (`250ms`, `30s`, `1.5m`, `2h`, `1d`; `0` alone is allowed), parsed to milliseconds.
 * A bare number is rejected because `30` is ambiguous between seconds and milliseconds.
 */
export const duration = withFormat(
  makeExactValidator<number>((input) => {
    const ms = parseDuration(input);
    if (ms === undefined) throw new EnvError(`${quote(input)} is not a duration (e.g. 500ms, 30s, 5m, 1h)`);
    return ms;
  }),
  formatDuration,
);

/** Comma-separated durations (`5s,30s,2m`), each as {@link duration} reads it: retry delays. */
export const durationList = withFormat(
  makeExactValidator<number[]>((input) => {
    const items = splitList(input);
    if (items.length === 0) throw new EnvError(`${quote(input)} is an empty list`);
    return items.map((item) => {
      const ms = parseDuration(item);
      if (ms === undefined)
        throw new EnvError(`${quote(item)} in ${quote(input)} is not a duration (e.g. 5s,30s,2m)`);
      return ms;
    });
  }),
  (items: readonly number[]) => items.map(formatDuration).join(','),
);

/** Milliseconds in the largest unit that divides them: 30000 → `30s`, 90000 → `90s`, 250 → `250ms`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  const [unit, size] = Object.entries(DURATION_UNITS_MS)
    .reverse()
    .find(([, size]) => ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}

/** A lower-case SQL identifier (schema, table): safe to interpolate into `SET search_path`. */
export const sqlIdentifier = makeValidator<string>((input) => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(input)) {
    throw new EnvError(`${quote(input)} is not a lower-case SQL identifier (a-z, 0-9, _; at most 63)`);
  }
  return input;
});

function parseDuration(input: string): number | undefined {
  const text = input.trim();
  if (text === '0') return 0;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text);
  return match ? Math.round(Number(match[1]) * DURATION_UNITS_MS[match[2]]) : undefined;
}

function splitList(input: string): string[] {
  return input
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
