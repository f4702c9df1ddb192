// #region readme
import type { TakstEvent } from '@takst/sdk';

function describe(event: TakstEvent): string {
  switch (event.type) {
    case 'inspection.rescheduled':
      return `moved to ${event.data.startsAt} (before: ${event.data.previousTimes.at(-1)?.startsAt})`;
    case 'note.added':
      return `note: ${event.data.text}`;
    default:
      return event.type;
  }
}

// #endregion
export { describe };
