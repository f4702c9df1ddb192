// Norwegian identifiers, checked without zod so the SDK and the CLI can use the same rules.

/** Checks a Norwegian organisation number: 9 digits, last one a mod-11 check digit. */
export function isValidOrganizationNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  const digits = [...value].map(Number);
  const sum = weights.reduce((acc, weight, i) => acc + weight * (digits[i] ?? 0), 0);
  const remainder = sum % 11;
  const check = remainder === 0 ? 0 : 11 - remainder;
  return check !== 10 && check === digits[8];
}

const K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2, 1];
const K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

const inRange = (n: number, low: number, high: number) => n >= low && n <= high;

const weightedRemainder = (digits: number[], weights: number[]) =>
  weights.reduce((sum, weight, i) => sum + weight * (digits[i] ?? 0), 0) % 11;

/**
 * Whether eleven digits are a Norwegian national identity number: a fødselsnummer, D-number
 * (day + 40), H-number (month + 40) or synthetic test number (month + 80), with valid check
 * digits. The first check digit is accepted under both the rule in force (weighted sum ≡ 0) and
 * the one announced for numbers issued from 2032 (remainder 0–3): refusing a little too much is
 * better than storing one.
 */
export function isNationalIdNumber(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false;
  const digits = [...value].map(Number);
  const day = Number(value.slice(0, 2));
  const month = Number(value.slice(2, 4));
  if (!inRange(day, 1, 31) && !inRange(day, 41, 71)) return false;
  if (!inRange(month, 1, 12) && !inRange(month, 41, 52) && !inRange(month, 81, 92)) return false;
  if (weightedRemainder(digits, K1_WEIGHTS) > 3) return false;
  return weightedRemainder(digits, K2_WEIGHTS) === 0;
}

// Eleven digits standing alone, written as one run or as `ddmmyy nnnnn`.
const CANDIDATE = /(?<!\d)(\d{6})\s?(\d{5})(?!\d)/g;

/**
 * Whether text holds a national identity number. Only numbers with a valid date and check
 * digits count, so account numbers, order numbers and random ids of eleven digits pass.
 */
export function containsNationalId(text: string): boolean {
  for (const match of text.matchAll(CANDIDATE)) {
    if (isNationalIdNumber(`${match[1]}${match[2]}`)) return true;
  }
  return false;
}
