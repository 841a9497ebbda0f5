// Strict readers for the scalar values partners send as text (CSV cells, X12 elements).

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A decimal number written plainly (no exponent, no thousands separators), else undefined. */
export function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return (
    date.getUTCFullYear() === Number(y) &&
    date.getUTCMonth() === Number(m) - 1 &&
    date.getUTCDate() === Number(d)
  );
}

/** X12 CCYYMMDD to YYYY-MM-DD, or undefined when not a real date. */
export function x12DateToIso(text: string): string | undefined {
  if (!/^\d{8}$/.test(text)) return undefined;
  const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
  return isIsoDate(iso) ? iso : undefined;
}

/** True for a GTIN-8, -12, -13 or -14 with a correct GS1 check digit. */
export function isValidGtin(text: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(text)) return false;
  return hasGs1CheckDigit(text);
}

/** True when the last digit of `text` (all digits) is its GS1 mod-10 check digit (GTIN, SSCC, GLN). */
export function hasGs1CheckDigit(text: string): boolean {
  if (!/^\d{2,}$/.test(text)) return false;
  const digits = [...text].map(Number);
  const check = digits.pop() ?? 0;
  // GS1 mod-10: weights 3,1,3,1... from the digit next to the check digit.
  const sum = digits.reverse().reduce((acc, digit, i) => acc + digit * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

/** GTIN-14 form (left-padded with zeros) so that GTIN-12/13/14 spellings of one item compare equal. */
export function normalizeGtin(text: string): string {
  return text.padStart(14, '0');
}
