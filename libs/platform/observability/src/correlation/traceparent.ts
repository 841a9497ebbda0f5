// W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header):
// `{version}-{trace-id}-{parent-id}-{trace-flags}`, lower-case hex.
import { randomFillSync } from 'node:crypto';

export interface Traceparent {
  version: string;
  /** 32 hex digits, never all zeros; shared by every span of one trace. */
  traceId: string;
  /** 16 hex digits, never all zeros; the span that sent this header. */
  parentId: string;
  /** 2 hex digits; bit 0 is `sampled`. */
  flags: string;
  sampled: boolean;
}

const VERSION_00 = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
// Later versions may append fields after the flags; parse the part version 00 defines.
const FUTURE_VERSION = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/** Parses a header value; undefined when it is not a valid traceparent (the caller then starts a new trace). */
export function parseTraceparent(header: string | undefined | null): Traceparent | undefined {
  if (typeof header !== 'string') return undefined;
  const text = header.trim();
  let version: string;
  let traceId: string;
  let parentId: string;
  let flags: string;
  const v00 = VERSION_00.exec(text);
  if (v00) {
    version = '00';
    [, traceId, parentId, flags] = v00;
  } else {
    const future = FUTURE_VERSION.exec(text);
    if (!future || future[1] === '00' || future[1] === 'ff') return undefined;
    [, version, traceId, parentId, flags] = future;
  }
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { version, traceId, parentId, flags, sampled: (parseInt(flags, 16) & 1) === 1 };
}

export function isValidTraceparent(header: string | undefined | null): boolean {
  return parseTraceparent(header) !== undefined;
}

export function formatTraceparent(parts: Pick<Traceparent, 'traceId' | 'parentId' | 'flags'>): string {
  return `00-${parts.traceId}-${parts.parentId}-${parts.flags}`;
}

/** The start of a new trace (sampled, since there is no sampler upstream to decide otherwise). */
export function newTraceparent(): string {
  return formatTraceparent({ traceId: randomId(16), parentId: randomId(8), flags: '01' });
}

/**
 * The traceparent of a new span inside `parent`'s trace: same trace id and flags, new parent id.
 * An invalid or missing parent starts a new trace, as the specification asks.
 */
export function childTraceparent(parent: string | undefined | null): string {
  const parsed = parseTraceparent(parent);
  if (!parsed) return newTraceparent();
  return formatTraceparent({ traceId: parsed.traceId, parentId: randomId(8), flags: parsed.flags });
}

// Ids are cut from a pool filled 4 KiB at a time: one call into the system's generator per ~500
// requests instead of one per request (every HTTP request and every record starts a span).
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;

function randomId(bytes: number): string {
  for (;;) {
    if (poolOffset + bytes > POOL.length) {
      randomFillSync(POOL);
      poolOffset = 0;
    }
    const id = POOL.toString('hex', poolOffset, poolOffset + bytes);
    poolOffset += bytes;
    if (!/^0+$/.test(id)) return id;
  }
}
