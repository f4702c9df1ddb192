/**
 * Calendar days as the firm counts them: in Europe/Oslo, whatever the browser's own zone. A day is
 * a `YYYY-MM-DD` string; arithmetic on days runs in UTC, where every day has 24 hours.
 */
const TIME_ZONE = 'Europe/Oslo';
const DAY_MS = 24 * 60 * 60 * 1000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const osloParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  hourCycle: 'h23',
});

function partsInOslo(instant: Date): { day: string; hour: number } {
  const parts = Object.fromEntries(osloParts.formatToParts(instant).map((part) => [part.type, part.value]));
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

/**
 * Whether `value` is a real calendar day (not 2026-02-30) in the years 1000 to 9998: far enough
 * from the ends of the API's range that a day before or after, in any offset, still fits.
 */
export function isDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DAY.exec(value);
  const year = Number(match?.[1]);
  if (!match || year < 1000 || year > 9998) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The day in Oslo that `instant` (an ISO timestamp or a Date) falls on. */
export const osloDayOf = (instant: string | Date): string => partsInOslo(new Date(instant)).day;

export const todayInOslo = (): string => osloDayOf(new Date());

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday of the week `day` lies in (weeks run Monday to Sunday in Norway). */
export function mondayOf(day: string): string {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return addDays(day, -((weekday + 6) % 7));
}

/** The ISO week number (uke) of the week `monday` starts. */
export function weekNumberOf(monday: string): number {
  const thursday = new Date(`${addDays(monday, 3)}T00:00:00Z`);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return Math.floor((thursday.getTime() - yearStart) / DAY_MS / 7) + 1;
}

/**
 * The instant Oslo's `day` begins, as an ISO timestamp. Midnight is never skipped or repeated
 * in Oslo (summer time changes at 02:00 and 03:00), so one of the two offsets always fits.
 */
export function startOfOsloDay(day: string): string {
  for (const offset of ['+01:00', '+02:00']) {
    const instant = new Date(`${day}T00:00:00${offset}`);
    const parts = partsInOslo(instant);
    if (parts.day === day && parts.hour === 0) return instant.toISOString();
  }
  return new Date(`${day}T00:00:00Z`).toISOString();
}
