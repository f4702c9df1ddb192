/**
 * The Standard Webhooks retry schedule: the first attempt at once, then 5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h and 10 h after the attempt before — eight attempts over about 28 hours.
 */
export const DEFAULT_RETRY_SCHEDULE = '0,5s,5m,30m,2h,5h,10h,10h';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `0,5s,5m,2h` → milliseconds; a bare number is milliseconds. Throws naming the bad entry. */
export function parseRetrySchedule(text: string): number[] {
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.length === 0 || entries.length > 20) throw new Error('expected 1 to 20 comma-separated delays');
  return entries.map((entry) => {
    const match = /^(\d+)(ms|s|m|h)?$/.exec(entry);
    if (!match) throw new Error(`"${entry}" is not a delay like 0, 200ms, 5s, 5m or 2h`);
    return Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1);
  });
}

/** ±10 %, so receivers that failed together are not all retried in the same instant. */
export function withJitter(delayMs: number): number {
  return Math.round(delayMs * (0.9 + Math.random() * 0.2));
}

/**
 * When the next attempt of a delivery is due, after `attemptsMade` attempts of this round have
 * failed; null once the schedule is used up.
 */
export function nextAttemptAt(schedule: readonly number[], attemptsMade: number, now: Date): Date | null {
  const delay = schedule[attemptsMade];
  return delay === undefined ? null : new Date(now.getTime() + withJitter(delay));
}
