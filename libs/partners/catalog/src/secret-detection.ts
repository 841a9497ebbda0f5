// Heuristics for secrets pasted into configuration. False positives fail CI loudly (and are fixed by
// moving the value behind a reference); false negatives are what the patterns below try to keep rare.

const SECRET_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b(sk|pk|rk)_(live|test)_[A-Za-z0-9]{10,}/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/,
  /\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]{5,}/, // JWT
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, // credentials in a URL
];

/** Field names whose value must be a reference, never a literal. */
const SECRET_FIELD = /(secret|password|passwd|token|api[-_]?key|private[-_]?key|credential)s?$/i;

const REFERENCE = /^(env:[A-Z][A-Z0-9_]*|file:\/\S+)$/;

export function isSecretReference(value: string): boolean {
  return REFERENCE.test(value);
}

/** Why a value looks like an inline secret, or undefined when it does not. */
export function secretSuspicion(value: string, fieldName?: string): string | undefined {
  if (isSecretReference(value)) return undefined;
  if (fieldName !== undefined && SECRET_FIELD.test(fieldName) && value.trim() !== '') {
    return `field "${fieldName}" must hold a reference (env:NAME or file:/path), not a value`;
  }
  if (SECRET_PATTERNS.some((p) => p.test(value))) return 'matches a known credential format';
  if (looksRandom(value)) return 'looks like a random key or token';
  return undefined;
}

/** Long, unbroken, mixed letters and digits with high character entropy: how generated keys look. */
function looksRandom(value: string): boolean {
  if (value.length < 24 || !/^[A-Za-z0-9+/=_-]+$/.test(value)) return false;
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy >= 4;
}
