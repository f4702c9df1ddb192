import { describe, expect, it } from 'vitest';
import { fromOsloLocal, toOsloLocal } from '../src/oslo-time';

describe('Oslo local time', () => {
  it('is UTC+1 in winter and UTC+2 in summer, both ways', () => {
    expect(toOsloLocal('2030-01-15T08:00:00.000Z')).toEqual({ date: '2030-01-15', time: '09:00' });
    expect(toOsloLocal('2030-07-15T08:00:00.000Z')).toEqual({ date: '2030-07-15', time: '10:00' });
    expect(fromOsloLocal('2030-01-15', '09:00')).toBe('2030-01-15T08:00:00.000Z');
    expect(fromOsloLocal('2030-07-15', '10:00')).toBe('2030-07-15T08:00:00.000Z');
    expect(toOsloLocal('2030-12-31T23:30:00.000Z')).toEqual({ date: '2031-01-01', time: '00:30' });
  });

  it('reads the hour skipped in spring one hour later, and the doubled hour in autumn as the first', () => {
    // 2030-03-31: clocks go from 02:00 to 03:00; 2030-10-27: from 03:00 back to 02:00.
    expect(fromOsloLocal('2030-03-31', '02:30')).toBe('2030-03-31T01:30:00.000Z');
    expect(toOsloLocal('2030-03-31T01:30:00.000Z')).toEqual({ date: '2030-03-31', time: '03:30' });
    expect(fromOsloLocal('2030-03-31', '03:00')).toBe('2030-03-31T01:00:00.000Z');
    expect(fromOsloLocal('2030-10-27', '02:30')).toBe('2030-10-27T00:30:00.000Z');
    expect(fromOsloLocal('2030-10-27', '03:30')).toBe('2030-10-27T02:30:00.000Z');
  });

  it('goes round the clock every 15 minutes of a year', () => {
    const start = Date.UTC(2030, 0, 1);
    for (let ms = start; ms < start + 366 * 86_400_000; ms += 15 * 60_000) {
      const instant = new Date(ms).toISOString();
      const local = toOsloLocal(instant);
      const back = fromOsloLocal(local.date, local.time);
      // Only the first of autumn's doubled hour comes back as itself.
      if (back !== instant) expect(Date.parse(instant) - Date.parse(back)).toBe(3_600_000);
    }
  });
});
