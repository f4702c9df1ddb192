import { isDay, mondayOf } from '../ui/list-dates';

export const ALL_APPRAISERS = 'alle';

/** The calendar's URL: the week (any day in it; kept as its Monday) and whose week it is. */
export interface CalendarSearch {
  uke?: string;
  takstmann?: string;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * Every key is returned, undefined when not valid: the router lays this over the raw URL's
 * search, so a key left out would let the raw value through.
 */
export function validateCalendarSearch(search: Record<string, unknown>): CalendarSearch {
  const uke = isDay(search.uke) ? mondayOf(search.uke) : undefined;
  const takstmann =
    search.takstmann === ALL_APPRAISERS
      ? ALL_APPRAISERS
      : typeof search.takstmann === 'string' && UUID_V7.test(search.takstmann)
        ? search.takstmann.toLowerCase()
        : undefined;
  return { uke, takstmann };
}
