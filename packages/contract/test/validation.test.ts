import { describe, expect, it } from 'vitest';
import { containsNationalId, createAssignmentInput, isNationalIdNumber, isValidOrganizationNumber } from '../src/index';

describe('isValidOrganizationNumber', () => {
  it.each(['923609016', '974760673', '982463718'])('accepts %s (real, mod-11 valid)', (value) => {
    expect(isValidOrganizationNumber(value)).toBe(true);
  });

  it.each([
    ['923609017', 'wrong check digit'],
    ['92360901', 'eight digits'],
    ['9236090160', 'ten digits'],
    ['92360901a', 'a letter'],
    ['000000001', 'check digit should be 0'],
  ])('refuses %s (%s)', (value) => {
    expect(isValidOrganizationNumber(value)).toBe(false);
  });

  it('refuses every number whose check digit would be 10', () => {
    const weights = [3, 2, 7, 6, 5, 4, 3, 2];
    const weightedSum = (prefix: string) => [...prefix].reduce((acc, d, i) => acc + Number(d) * (weights[i] ?? 0), 0);
    // The first 8-digit prefix whose weighted sum leaves remainder 1: its check digit would be 10.
    let prefix = 10_000_000;
    while (weightedSum(String(prefix)) % 11 !== 1) prefix++;
    const candidates = Array.from({ length: 10 }, (_, d) => `${prefix}${d}`);
    expect(candidates.filter(isValidOrganizationNumber)).toEqual([]);
  });
});

/** Eleven digits whose two check digits are computed from the first nine by the current rule. */
function withCheckDigits(nine: string): string | null {
  const remainder = (digits: string, weights: number[]) =>
    weights.reduce((sum, weight, i) => sum + weight * Number(digits[i]), 0) % 11;
  const checkDigit = (digits: string, weights: number[]) => (11 - remainder(digits, weights)) % 11;
  const k1 = checkDigit(nine, [3, 7, 6, 1, 8, 9, 4, 5, 2]);
  if (k1 === 10) return null;
  const k2 = checkDigit(`${nine}${k1}`, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
  return k2 === 10 ? null : `${nine}${k1}${k2}`;
}

describe('isNationalIdNumber', () => {
  it.each([
    ['010190124', 'a fødselsnummer'],
    ['410190123', 'a D-number (day + 40)'],
    ['014290123', 'an H-number (month + 40)'],
    ['018190123', 'a synthetic test number (month + 80)'],
    ['150485321', 'another date'],
  ])('recognises %s… (%s)', (nine) => {
    const number = withCheckDigits(nine);
    expect(number).not.toBeNull();
    expect(isNationalIdNumber(number as string)).toBe(true);
  });

  it('refuses a wrong second check digit, an impossible date, and other lengths', () => {
    const valid = withCheckDigits('010190124') as string;
    const wrongK2 = `${valid.slice(0, 10)}${(Number(valid[10]) + 1) % 10}`;
    expect(isNationalIdNumber(wrongK2)).toBe(false);
    expect(isNationalIdNumber('12345678901')).toBe(false); // month 34
    expect(isNationalIdNumber('32019012345')).toBe(false); // day 32
    expect(isNationalIdNumber(valid.slice(1))).toBe(false);
    expect(isNationalIdNumber(`${valid}0`)).toBe(false);
  });

  it('takes a first check digit leaving remainder 0–3, as numbers issued from 2032 may', () => {
    const valid = withCheckDigits('010190124') as string;
    const remainderOf = (digits: string) =>
      [3, 7, 6, 1, 8, 9, 4, 5, 2, 1].reduce((sum, weight, i) => sum + weight * Number(digits[i]), 0) % 11;
    const byRemainder = new Map<number, boolean>();
    for (let k1 = 0; k1 <= 9; k1++) {
      const ten = `${valid.slice(0, 9)}${k1}`;
      const k2 = (11 - ([5, 4, 3, 2, 7, 6, 5, 4, 3, 2].reduce((s, w, i) => s + w * Number(ten[i]), 0) % 11)) % 11;
      if (k2 !== 10) byRemainder.set(remainderOf(ten), isNationalIdNumber(`${ten}${k2}`));
    }
    for (const [remainder, accepted] of byRemainder) expect(accepted, `remainder ${remainder}`).toBe(remainder <= 3);
  });
});

describe('containsNationalId', () => {
  const fnr = withCheckDigits('010190124') as string;

  it('finds one standing alone, in one run or as ddmmyy nnnnn', () => {
    expect(containsNationalId(`Eier ${fnr} opplyste`)).toBe(true);
    expect(containsNationalId(`fnr:${fnr.slice(0, 6)} ${fnr.slice(6)}`)).toBe(true);
  });

  it('passes digits that are not one: inside a longer run, account numbers, random ids', () => {
    expect(containsNationalId(`ordre ${fnr}7`)).toBe(false);
    expect(containsNationalId('konto 12345678901, tlf +47 912 34 567')).toBe(false);
    expect(containsNationalId('idempotency 0f6a2b1c-4d3e-4f5a-8b9c-a10199012345')).toBe(false);
  });
});

describe('createAssignmentInput', () => {
  const valid = {
    type: 'valuation',
    property: { address: { street: ' Storgata 1 ', postalCode: '0155', city: 'Oslo' } },
    client: { name: 'Kari' },
  };

  it('trims text', () => {
    expect(createAssignmentInput.parse(valid).property?.address.street).toBe('Storgata 1');
  });

  it('refuses a cadastre with gnr 0', () => {
    const result = createAssignmentInput.safeParse({
      ...valid,
      property: { ...valid.property, cadastre: { municipality: '0301', gnr: 0, bnr: 1 } },
    });
    expect(result.success).toBe(false);
  });
});
