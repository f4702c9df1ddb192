import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration, Progress } from '../src/cli/progress';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

describe('Progress', () => {
  it('shows rows, rate and ETA as plain lines when not on a terminal', () => {
    let now = 0;
    const out = new Capture();
    const progress = new Progress(out, {
      unit: 'rows',
      total: 10_000,
      tty: false,
      now: () => now,
      lineIntervalMs: 1000,
    });
    now = 500;
    progress.add(1000); // first update is shown
    now = 900;
    progress.add(1000); // too soon for another line
    now = 2000;
    progress.add(2000);
    now = 2500;
    progress.add(1000); // too soon, but finish shows it
    progress.finish();
    progress.finish(); // nothing new to show
    expect(out.text.split('\n').filter(Boolean)).toEqual([
      '10% 1,000/10,000 rows  2,000 rows/s  ETA 0:05',
      '40% 4,000/10,000 rows  2,000 rows/s  ETA 0:03',
      '50% 5,000/10,000 rows  2,000 rows/s  ETA 0:03',
    ]);
  });

  it('redraws one bar in place on a terminal, and counts a resumed part without rating it', () => {
    let now = 0;
    const out = new Capture();
    const progress = new Progress(out, { unit: 'rows', total: 100, done: 50, tty: true, now: () => now });
    now = 1000;
    progress.add(25);
    expect(out.text).toBe('\r\x1b[2K[##################......]  75% 75/100 rows  25 rows/s  ETA 0:01');
    progress.finish();
    expect(out.text.endsWith('\n')).toBe(true);
  });

  it('without a total shows what is done and the rate', () => {
    const progress = new Progress(new Capture(), { unit: 'rows', tty: false, now: () => 2000 });
    progress.add(5000);
    expect(progress.describe(4000)).toBe('5,000 rows  2,500 rows/s  elapsed 0:02');
  });

  it('formats durations', () => {
    expect(formatDuration(7)).toBe('0:07');
    expect(formatDuration(249)).toBe('4:09');
    expect(formatDuration(3 * 3600 + 61)).toBe('3:01:01');
  });
});
