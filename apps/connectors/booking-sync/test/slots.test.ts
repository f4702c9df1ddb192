import { describe, expect, it } from 'vitest';
import { align, type Slot, sameSlot } from '../src/slots';

const at = (hour: number, minute = 0): Slot => ({
  startsAt: new Date(Date.UTC(2030, 0, 1, hour, minute)).toISOString(),
  endsAt: new Date(Date.UTC(2030, 0, 1, hour + 1, minute)).toISOString(),
});

describe('align', () => {
  it('says what the target lacks, has extra, or when both sides moved', () => {
    expect(align([at(8), at(9)], [at(8), at(9)], 1)).toEqual({ kind: 'same' });
    expect(align([at(8), at(9), at(10)], [at(8)], 1)).toEqual({ kind: 'behind', missing: [at(9), at(10)] });
    expect(align([at(8)], [at(8), at(9)], 1)).toEqual({ kind: 'ahead' });
    expect(align([at(8), at(9)], [at(8), at(11)], 1)).toEqual({ kind: 'diverged', agreed: 1 });
  });

  it('keeps a move back to an earlier time as a move of its own', () => {
    expect(align([at(8), at(9), at(8)], [at(8), at(9)], 1)).toEqual({ kind: 'behind', missing: [at(8)] });
  });
});

describe('sameSlot', () => {
  it('compares at the precision of the tool', () => {
    const withSeconds = { startsAt: '2030-01-01T08:00:30.000Z', endsAt: '2030-01-01T09:00:59.000Z' };
    expect(sameSlot(withSeconds, at(8), 1)).toBe(false);
    expect(sameSlot(withSeconds, at(8), 60_000)).toBe(true);
    expect(sameSlot(at(8, 1), at(8), 60_000)).toBe(false);
  });
});
