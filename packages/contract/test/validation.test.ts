import { describe, expect, it } from 'vitest';
import { createAssignmentInput, isValidOrganizationNumber } from '../src/index';

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
