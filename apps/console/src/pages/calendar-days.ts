import type { Inspection, RouterInputs } from '@takst/sdk';
import { addDays, osloDayOf, startOfOsloDay } from '../ui/list-dates';

/** More than anyone books in a week: one page holds the week. */
export const WEEK_LIMIT = 200;

export const daysOf = (monday: string): string[] => Array.from({ length: 7 }, (_, i) => addDays(monday, i));

/** The week as the API's half-open range: Monday 00:00 to the next Monday 00:00, Oslo time. */
export function weekInput(appraiserId: string, monday: string): RouterInputs['inspections']['list'] {
  return {
    appraiserId,
    from: startOfOsloDay(monday),
    to: startOfOsloDay(addDays(monday, 7)),
    limit: WEEK_LIMIT,
  };
}

/** Each day's inspections, by the day they start in Oslo (one begun the week before, on Monday). */
export function byDay(inspections: readonly Inspection[], monday: string): Map<string, Inspection[]> {
  const days = new Map(daysOf(monday).map((day) => [day, [] as Inspection[]]));
  for (const inspection of inspections) {
    const day = osloDayOf(inspection.startsAt);
    days.get(day < monday ? monday : day)?.push(inspection);
  }
  return days;
}

const dayHeading = new Intl.DateTimeFormat('nb-NO', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  timeZone: 'UTC',
});
const dayShort = new Intl.DateTimeFormat('nb-NO', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  timeZone: 'UTC',
});
const weekRange = new Intl.DateTimeFormat('nb-NO', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

const atNoon = (day: string) => new Date(`${day}T12:00:00Z`);
const capitalised = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);

/** "Mandag 7. desember" */
export const dayTitle = (day: string): string => capitalised(dayHeading.format(atNoon(day)));
/** "man. 7. des." */
export const dayShortTitle = (day: string): string => dayShort.format(atNoon(day));
/** "7.–13. desember 2026" */
export const weekRangeTitle = (monday: string): string =>
  weekRange.formatRange(atNoon(monday), atNoon(addDays(monday, 6)));
